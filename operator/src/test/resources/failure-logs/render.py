#!/usr/bin/env python3
"""Renders the failure-log fixtures the way `kubectl logs --previous` shows a crashed vLLM pod.

Root-cause messages, logger formats, process prefixes and traceback line numbers are read from the
unpacked (never installed) wheels listed in README.md; run with SRC pointing at them:
  SRC=/tmp/vllm-wheels HF=/tmp/cls-src python3 render.py
"""
import os
import pathlib
import sys
import zlib

SRC = pathlib.Path(os.environ.get("SRC", "/tmp/vllm-wheels"))
HF = pathlib.Path(os.environ.get("HF", "/tmp/cls-src"))
OUT = pathlib.Path(__file__).resolve().parent
PY = "/usr/local/lib/python3.12/dist-packages"

# Token-shaped strings planted in the logs; none may reach a status message.
HEX48 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c"  # like `openssl rand -hex 24`
HF_TOKEN = "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"
SK_KEY = "sk-proj-4fG7hJ2kL9mN3pQ6rS8tV1wX5yZ0aBcD"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2bGxtLWNsaWVudCIsImlhdCI6MTcyOTUwMDAwMH0"
       ".c2lnbmF0dXJlLW5vdC1yZWFsLWJ1dC1sb25nLWVub3VnaA")
B64 = "dGhpcyBpcyBhIHNlY3JldCB2YWx1ZSBmb3IgdGVzdGluZyBvbmx5Cg=="

ROOTS = {
    "0.11.0": {"vllm": SRC / "src-0.11.0",
               "huggingface_hub": HF / "w011/huggingface_hub-0.35.3-py3-none-any",
               "transformers": HF / "w011/transformers-4.57.0-py3-none-any"},
    "0.33.0": {"vllm": SRC / "src-0.33.0",
               "huggingface_hub": HF / "w033/huggingface_hub-1.31.0-py3-none-any",
               "transformers": HF / "w033/transformers-5.16.1-py3-none-any"},
}
MISSING = []


def source_line(ver, rel, needle, after=None):
    """(line number, stripped code) of `needle` in the real source file, after `def after` if given."""
    pkg = rel.split("/")[0]
    path = ROOTS[ver][pkg] / rel
    lines = path.read_text().splitlines() if path.exists() else []
    start = 0
    if after:
        for i, line in enumerate(lines):
            if line.lstrip().startswith(("def " + after + "(", "async def " + after + "(")):
                start = i
                break
    if isinstance(needle, tuple):  # (an earlier line to pass first, the line wanted)
        anchor, needle = needle
        start = next((i for i in range(start, len(lines)) if anchor in lines[i]), start)
    for rng in (range(start, len(lines)), range(len(lines))):
        for i in rng:
            if needle in lines[i]:
                return i + 1, lines[i].strip()
    MISSING.append(f"{ver} {rel}: {needle}")
    return start + 1, needle


class Frames:
    def __init__(self, ver):
        self.ver = ver
        self.lines = []

    def f(self, rel, func, needle):
        n, code = source_line(self.ver, rel, needle, func)
        self.lines.append(f'  File "{PY}/{rel}", line {n}, in {func}')
        self.lines.append(f"    {code}")
        return self

    def raw(self, path, n, func, code=None):
        self.lines.append(f'  File "{path}", line {n}, in {func}')
        if code:
            self.lines.append(f"    {code}")
        return self


def traceback(*chain):
    """chain: (frames, exception text) pairs, cause first, like Python prints `raise ... from e`."""
    out = []
    for i, (frames, exc) in enumerate(chain):
        if i:
            out += ["", "The above exception was the direct cause of the following exception:", ""]
        out.append("Traceback (most recent call last):")
        out += frames.lines
        out += exc.split("\n")
    return out


class Log:
    """One container log: stdout and stderr of every vLLM process, interleaved as Kubernetes keeps it."""

    def __init__(self, ver, color):
        self.ver, self.color, self.text, self.sec = ver, color, [], 0

    def ts(self):
        self.sec += 1
        return f"10-21 09:{14 + self.sec // 60:02d}:{self.sec % 60:02d}"

    def prefix(self, proc, pid):
        if self.ver == "0.11.0":  # vllm/utils/__init__.py _add_prefix: CYAN '\033[1;36m', RESET '\033[0;0m'
            return f"\033[1;36m({proc} pid={pid})\033[0;0m "
        return ""

    def log(self, proc, pid, level, rel, needle, msg):
        """A vLLM logger record; multi-line messages continue with '\\r\\n' + the record prefix."""
        n, _ = source_line(self.ver, rel, needle)
        fileinfo = f"{rel.split('/')[-1]}:{n}"
        if self.ver == "0.11.0":  # logger.py _FORMAT, written through the prefixed stream
            head = f"{level} {self.ts()} [{fileinfo}] "
            lines = msg.split("\n")
            body = head + lines[0] + "".join("\r\n" + self.prefix(proc, pid) + head + x for x in lines[1:])
            self.text.append(self.prefix(proc, pid) + body)
        else:  # logger.py _FORMAT with (%(vllm_process_name)s pid=%(process)d); ColoredFormatter if enabled
            if self.color:
                colors = {"INFO": "\033[32m", "WARNING": "\033[33m", "ERROR": "\033[31m"}
                head = (f"\033[0;36m({proc} pid={pid})\033[0;0m {colors[level]}{level}\033[0m "
                        f"\033[90m{self.ts()}\033[0m \033[90m[{fileinfo}]\033[0m ")
            else:
                head = f"({proc} pid={pid}) {level} {self.ts()} [{fileinfo}] "
            lines = msg.split("\n")
            self.text.append(head + lines[0] + "".join("\r\n" + head + x for x in lines[1:]))
        return self

    def stderr(self, proc, pid, lines):
        """Plain writes to stderr (tracebacks printed by Python itself)."""
        for line in lines:
            self.text.append(self.prefix(proc, pid) + line)
        return self

    def write(self, name):
        path = OUT / self.ver / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.text) + "\n")


# ---------------------------------------------------------------- the two versions' call paths

ENGINE = {"0.11.0": "EngineCore_DP0", "0.33.0": "EngineCore"}
API = "APIServer"


def startup(log, model, extra_args):
    v = log.ver
    if v == "0.11.0":
        log.log(API, 1, "INFO", "vllm/entrypoints/openai/api_server.py", "vLLM API server version",
                "vLLM API server version 0.11.0")
        # vLLM 0.11 logs every non-default argument verbatim, an --api-key included.
        args = {"model_tag": model, "host": "0.0.0.0", "api_key": [HEX48], "model": model, **extra_args}
        log.log(API, 1, "INFO", "vllm/entrypoints/utils.py", '"non-default args', f"non-default args: {args}")
    else:
        logo = ("\n       █     █     █▄   ▄█\n"
                " ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.33.0\n"
                f"  █▄█▀ █     █     █     █  model   {model}\n"
                "   ▀▀  ▀▀▀▀▀ ▀▀▀▀▀ ▀     ▀\n")
        log.log(API, 1, "INFO", "vllm/entrypoints/common/startup.py", "lgr.info(message", logo)
        args = {"model_tag": model, "host": "0.0.0.0", "api_key": "***", "model": model, **extra_args}
        log.log(API, 1, "INFO", "vllm/entrypoints/common/startup.py", '"non-default args', f"non-default args: {args}")
    return log


def config_lines(log, arch="Qwen2ForCausalLM", max_len=32768):
    log.log(API, 1, "INFO", "vllm/config/model.py", '"Resolved architecture', f"Resolved architecture: {arch}")
    log.log(API, 1, "INFO", "vllm/config/model.py", '"Using max model len', f"Using max model len {max_len}")
    log.log(API, 1, "INFO", "vllm/config/scheduler.py", "Chunked prefill is enabled",
            "Chunked prefill is enabled with max_num_batched_tokens=2048.")
    return log


def engine_start(log, model, max_len=32768, tp=1):
    v, e = log.ver, ENGINE[log.ver]
    log.log(e, 274, "INFO", "vllm/v1/engine/core.py", "Initializing a V1 LLM engine",
            f"Initializing a V1 LLM engine (v{v}) with config: model='{model}', speculative_config=None, "
            f"tokenizer='{model}', skip_tokenizer_init=False, tokenizer_mode=auto, revision=None, "
            f"trust_remote_code=False, dtype=torch.bfloat16, max_seq_len={max_len}, download_dir=None, "
            f"load_format=auto, tensor_parallel_size={tp}, pipeline_parallel_size=1, "
            "data_parallel_size=1, disable_custom_all_reduce=False, quantization=None, enforce_eager=False, "
            "kv_cache_dtype=auto, device_config=cuda, seed=0, served_model_name=" + model)
    return log


def api_frames(v):
    """The APIServer stack from `vllm serve` down to the engine-startup wait."""
    fr = Frames(v).raw("/usr/local/bin/vllm", 10, "<module>", "sys.exit(main())")
    fr.f("vllm/entrypoints/cli/main.py", "main", "args.dispatch_function(args)")
    if v == "0.11.0":
        fr.f("vllm/entrypoints/cli/serve.py", "cmd", "uvloop.run(run_server(args))")
        api = "vllm/entrypoints/openai/api_server.py"
    else:
        fr.f("vllm/entrypoints/cli/serve.py", "cmd", "uvloop.run(run_server(args))")
        api = "vllm/entrypoints/launchers/api_server/entry.py"
    fr.raw(f"{PY}/uvloop/__init__.py", 109, "run", "return __asyncio.run(")
    fr.raw("/usr/lib/python3.12/asyncio/runners.py", 195, "run", "return runner.run(main)")
    fr.raw("/usr/lib/python3.12/asyncio/runners.py", 118, "run", "return self._loop.run_until_complete(task)")
    fr.raw("uvloop/loop.pyx", 1518, "uvloop.loop.Loop.run_until_complete")
    fr.raw(f"{PY}/uvloop/__init__.py", 61, "wrapper", "return await main")
    fr.f(api, "run_server", "await run_server_worker(")
    fr.f(api, "run_server_worker", "async with build_async_engine_client(")
    fr.raw("/usr/lib/python3.12/contextlib.py", 210, "__aenter__", "return await anext(self.gen)")
    fr.f(api, "build_async_engine_client", "async with build_async_engine_client_from_engine_args(")
    fr.raw("/usr/lib/python3.12/contextlib.py", 210, "__aenter__", "return await anext(self.gen)")
    return fr, api


def config_frames(v, cls="ModelConfig"):
    fr, api = api_frames(v)
    fr.f(api, "build_async_engine_client_from_engine_args",
         "vllm_config = engine_args.create_engine_config(usage_context=usage_context)")
    fr.f("vllm/engine/arg_utils.py", "create_engine_config",
         "model_config = self.create_model_config()" if cls == "ModelConfig" else "config = VllmConfig(")
    if cls == "ModelConfig":
        fr.f("vllm/engine/arg_utils.py", "create_model_config", "return ModelConfig(")
    fr.raw(f"{PY}/pydantic/_internal/_dataclasses.py", 123, "__init__",
           "s.__pydantic_validator__.validate_python(ArgsKwargs(args, kwargs), self_instance=s)")
    return fr


def pydantic_error(v, cls, message, input_value):
    ver = "2.11" if v == "0.11.0" else "2.12"
    return (f"pydantic_core._pydantic_core.ValidationError: 1 validation error for {cls}\n"
            f"  Value error, {message} [type=value_error, input_value={input_value}, input_type=ArgsKwargs]\n"
            f"    For further information visit https://errors.pydantic.dev/{ver}/v/value_error")


def engine_wrapper(log, failed="{}"):
    """What the APIServer prints when the engine core process died: the long wrapper traceback."""
    v = log.ver
    fr, api = api_frames(v)
    fr.f(api, "build_async_engine_client_from_engine_args", "async_llm = AsyncLLM.from_vllm_config(")
    if v == "0.11.0":
        fr.f("vllm/utils/__init__.py", "inner", "return fn(*args, **kwargs)")
    fr.f("vllm/v1/engine/async_llm.py", "from_vllm_config", "return cls(")
    fr.f("vllm/v1/engine/async_llm.py", "__init__", "self.engine_core = EngineCoreClient.make_async_mp_client(")
    fr.f("vllm/v1/engine/core_client.py", "make_async_mp_client", "return AsyncMPClient(")
    fr.f("vllm/v1/engine/core_client.py", "__init__", "super().__init__(")
    fr.f("vllm/v1/engine/core_client.py", "__init__", "with launch_core_engines(")
    fr.raw("/usr/lib/python3.12/contextlib.py", 144, "__exit__", "next(self.gen)")
    fr.f("vllm/v1/engine/utils.py", "launch_core_engines", "wait_for_engine_startup(")
    fr.f("vllm/v1/engine/utils.py", "wait_for_engine_startup", "raise RuntimeError(")
    exc = f"RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {failed}"
    return log.stderr(API, 1, traceback((fr, exc)))


def engine_failure(log, frames_then_exc, process_exit=True):
    """EngineCore logs the exception, then multiprocessing prints it again as the process dies."""
    v, e = log.ver, ENGINE[log.ver]
    core = Frames(v).f("vllm/v1/engine/core.py", "run_engine_core", "engine_core = EngineCoreProc(")
    core.f("vllm/v1/engine/core.py", "__init__", "super().__init__(")
    chain = [(_prepend(core, fr), exc) if i == len(frames_then_exc) - 1 else (fr, exc)
             for i, (fr, exc) in enumerate(frames_then_exc)]
    lines = traceback(*chain)
    log.log(e, 274, "ERROR", "vllm/v1/engine/core.py", 'logger.exception("EngineCore failed to start.")',
            "EngineCore failed to start.\n" + "\n".join(lines))
    if process_exit:
        boot = Frames(v).raw("/usr/lib/python3.12/multiprocessing/process.py", 314, "_bootstrap", "self.run()")
        boot.raw("/usr/lib/python3.12/multiprocessing/process.py", 108, "run",
                 "self._target(*self._args, **self._kwargs)")
        boot.f("vllm/v1/engine/core.py", "run_engine_core", "raise e")
        chain2 = list(chain)
        chain2[-1] = (_prepend(boot, chain[-1][0]), chain[-1][1])
        log.stderr(e, 274, [f"Process {e}:"] + traceback(*chain2))
    return log


def _prepend(head, tail):
    fr = Frames(head.ver)
    fr.lines = head.lines + tail.lines
    return fr


def executor_init(v):
    """EngineCoreProc.__init__ -> EngineCore.__init__ -> executor -> (in-process) worker."""
    fr = Frames(v).f("vllm/v1/engine/core.py", "__init__", "self.model_executor = executor_class(vllm_config)")
    if v == "0.11.0":
        fr.f("vllm/executor/executor_base.py", "__init__", "self._init_executor()")
    else:
        fr.f("vllm/v1/executor/abstract.py", "__init__", "self._init_executor()")
    return fr


# ---------------------------------------------------------------- one function per root cause

def uniproc_init_device(v):
    fr = executor_init(v)
    if v == "0.11.0":
        fr.f("vllm/executor/uniproc_executor.py", "_init_executor", 'self.collective_rpc("init_device")')
        fr.f("vllm/executor/uniproc_executor.py", "collective_rpc", "run_method(self.driver_worker, method, args, kwargs)")
        fr.f("vllm/utils/__init__.py", "run_method", "return func(*args, **kwargs)")
        fr.f("vllm/worker/worker_base.py", "init_device", "self.worker.init_device()  # type: ignore")
    else:
        fr.f("vllm/v1/executor/uniproc_executor.py", "_init_executor", "self.driver_worker.init_device()")
        fr.f("vllm/v1/worker/worker_base.py", "init_device", "self.worker.init_device()  # type: ignore")
    return fr


def gpu_memory_in_use(v, color=False):
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"max_model_len": 32768, "gpu_memory_utilization": 0.92}))
    engine_start(log, model)
    fr = uniproc_init_device(v)
    if v == "0.11.0":
        fr.f("vllm/v1/worker/gpu_worker.py", "init_device", "raise ValueError(")
        msg = ("ValueError: Free memory on device (61.47/79.19 GiB) on startup is less than desired GPU memory "
               "utilization (0.92, 72.85 GiB). Decrease GPU memory utilization or reduce GPU memory used by "
               "other processes.")
    else:
        fr.f("vllm/v1/worker/gpu_worker.py", "init_device", "self.requested_memory = request_memory(")
        fr.f("vllm/v1/worker/utils.py", "request_memory", ("if init_snapshot.free_memory < requested_memory", "raise ValueError("))
        msg = ("ValueError: Free memory on device cuda:0 (61.47/79.19 GiB) on startup is less than desired GPU "
               "memory utilization (0.92, 72.85 GiB). Decrease GPU memory utilization or reduce GPU memory used "
               "by other processes.")
    engine_failure(log, [(fr, msg)])
    return engine_wrapper(log)


def bf16_on_old_gpu(v, color=False):
    model = "meta-llama/Llama-3.1-8B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"dtype": "bfloat16"}), "LlamaForCausalLM", 8192)
    engine_start(log, model, 8192)
    fr = uniproc_init_device(v)
    fr.f("vllm/v1/worker/gpu_worker.py", "init_device", "current_platform.check_if_supports_dtype(self.model_config.dtype)")
    fr.f("vllm/platforms/cuda.py", "check_if_supports_dtype", "raise ValueError(")
    msg = ("ValueError: Bfloat16 is only supported on GPUs with compute capability of at least 8.0. Your Tesla T4 "
           "GPU has compute capability 7.5. You can use float16 instead by explicitly setting the `dtype` flag in "
           "CLI, for example: --dtype=half.")
    engine_failure(log, [(fr, msg)])
    return engine_wrapper(log)


def quantization_on_old_gpu(v, color=False):
    model = "Qwen/Qwen2.5-7B-Instruct-AWQ"
    log = startup(Log(v, color), model, {"quantization": "awq"})
    log.log(API, 1, "INFO", "vllm/config/model.py", '"Resolved architecture', "Resolved architecture: Qwen2ForCausalLM")
    fr = config_frames(v, "VllmConfig")
    cfg = "vllm/config/__init__.py" if v == "0.11.0" else "vllm/config/vllm.py"
    msg = ("The quantization method awq is not supported for the current GPU. Minimum capability: 75. "
           "Current capability: 70.")
    exc = pydantic_error(v, "VllmConfig", msg, "ArgsKwargs((), {'model_conf...transfer_config': None})")
    return log.stderr(API, 1, traceback((fr, exc)))


def kv_cache_too_small(v, color=False):
    model = "Qwen/Qwen2.5-14B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"max_model_len": 131072}), max_len=131072)
    engine_start(log, model, 131072)
    log.log(ENGINE[v], 274, "INFO", "vllm/v1/worker/gpu_model_runner.py", "Starting to load model",
            f"Starting to load model {model}...")
    log.log(ENGINE[v], 274, "INFO", "vllm/model_executor/model_loader/default_loader.py", "Loading weights took",
            "Loading weights took 6.84 seconds")
    log.log(ENGINE[v], 274, "INFO", "vllm/v1/worker/gpu_model_runner.py", "Model loading took",
            "Model loading took 27.5408 GiB and 7.912504 seconds")
    log.log(ENGINE[v], 274, "INFO", "vllm/v1/worker/gpu_worker.py", "Available KV cache memory",
            "Available KV cache memory: 7.21 GiB")
    fr = Frames(v).f("vllm/v1/engine/core.py", "__init__", "self._initialize_kv_caches(vllm_config)")
    if v == "0.11.0":
        fr.f("vllm/v1/engine/core.py", "_initialize_kv_caches", "kv_cache_configs = get_kv_cache_configs(")
        fr.f("vllm/v1/core/kv_cache_utils.py", "get_kv_cache_configs", "check_enough_kv_cache_memory(")
        fr.f("vllm/v1/core/kv_cache_utils.py", "check_enough_kv_cache_memory", ("if needed_memory > available", "raise ValueError("))
        msg = ("ValueError: To serve at least one request with the models's max seq len (131072), (24.00 GiB KV "
               "cache is needed, which is larger than the available KV cache memory (7.21 GiB). Based on the "
               "available memory, the estimated maximum model length is 38432. Try increasing "
               "`gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.")
    else:
        fr.f("vllm/v1/engine/core.py", "_initialize_kv_caches", "kv_cache_configs = get_kv_cache_configs(")
        fr.f("vllm/v1/core/kv_cache_planning.py", "get_kv_cache_configs", "_check_enough_kv_cache_memory(")
        fr.f("vllm/v1/core/kv_cache_planning.py", "_check_enough_kv_cache_memory", ("if needed_memory > available", "raise ValueError("))
        msg = ("ValueError: To serve at least one request with the model's max seq len (131072), (24.00 GiB KV "
               "cache is needed, which is larger than the available KV cache memory (7.21 GiB). Based on the "
               "available memory, the estimated maximum model length is 38432. Try increasing "
               "`gpu_memory_utilization` (which also controls CPU memory on the CPU backend) or decreasing "
               "`max_model_len` when initializing the engine. See "
               "https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details.")
    engine_failure(log, [(fr, msg)])
    return engine_wrapper(log)


def cuda_oom(v, color=False):
    model = "meta-llama/Llama-3.3-70B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"max_model_len": 8192}), "LlamaForCausalLM", 8192)
    engine_start(log, model, 8192)
    log.log(ENGINE[v], 274, "INFO", "vllm/v1/worker/gpu_model_runner.py", "Starting to load model",
            f"Starting to load model {model}...")
    fr = executor_init(v)
    if v == "0.11.0":
        fr.f("vllm/executor/uniproc_executor.py", "_init_executor", 'self.collective_rpc("load_model")')
        fr.f("vllm/utils/__init__.py", "run_method", "return func(*args, **kwargs)")
    else:
        fr.f("vllm/v1/executor/uniproc_executor.py", "_init_executor", "self.driver_worker.load_model()")
    fr.f("vllm/v1/worker/gpu_worker.py", "load_model", "self.model_runner.load_model(")
    fr.f("vllm/v1/worker/gpu_model_runner.py", "load_model", "model_loader.load_model(")
    fr.f("vllm/model_executor/model_loader/base_loader.py", "load_model", "model = initialize_model(")
    fr.f("vllm/model_executor/models/llama.py", "__init__", "self.model = self._init_model(")
    fr.raw(f"{PY}/torch/utils/_device.py", 104, "__torch_function__", "return func(*args, **kwargs)")
    msg = ("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 896.00 MiB. GPU 0 has a total capacity "
           "of 79.19 GiB of which 612.56 MiB is free. Including non-PyTorch memory, this process has 78.58 GiB "
           "memory in use. Of the allocated memory 77.91 GiB is allocated by PyTorch, and 13.52 MiB is reserved "
           "by PyTorch but unallocated. If reserved but unallocated memory is large try setting "
           "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See documentation for "
           "Memory Management  (https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)")
    engine_failure(log, [(fr, msg)])
    return engine_wrapper(log)


def max_model_len_too_large(v, color=False):
    model = "meta-llama/Llama-3.1-8B-Instruct"
    log = startup(Log(v, color), model, {"max_model_len": 262144})
    log.log(API, 1, "INFO", "vllm/config/model.py", '"Resolved architecture', "Resolved architecture: LlamaForCausalLM")
    fr = config_frames(v)
    msg = ("User-specified max_model_len (262144) is greater than the derived max_model_len "
           "(max_position_embeddings=131072 or model_max_length=None in model's config.json). To allow "
           "overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1. VLLM_ALLOW_LONG_MAX_MODEL_LEN "
           "must be used with extreme caution. If the model uses relative position encoding (RoPE), positions "
           "exceeding derived_max_model_len lead to nan. If the model uses absolute position encoding, positions "
           "exceeding derived_max_model_len will cause a CUDA array out-of-bounds error.")
    exc = pydantic_error(v, "ModelConfig", msg, "ArgsKwargs((), {'model': ...rocessor_plugin': None})")
    return log.stderr(API, 1, traceback((fr, exc)))


def tensor_parallel_mismatch(v, color=False):
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"tensor_parallel_size": 3}))
    fr = config_frames(v, "VllmConfig")
    msg = "Total number of attention heads (28) must be divisible by tensor parallel size (3)."
    exc = pydantic_error(v, "VllmConfig", msg, "ArgsKwargs((), {'model_conf...transfer_config': None})")
    return log.stderr(API, 1, traceback((fr, exc)))


def list_files_error(log, message):
    """vLLM's with_retry logs the Hub error twice before giving up (config.py / repo_utils.py)."""
    rel = "vllm/transformers_utils/config.py" if log.ver == "0.11.0" else "vllm/transformers_utils/repo_utils.py"
    log.log(API, 1, "ERROR", rel, 'retrying %d of %d',
            f"Error retrieving file list: {message}, retrying 1 of 2")
    log.log(API, 1, "ERROR", rel, 'logger.error("%s: %s", log_msg, e)', f"Error retrieving file list: {message}")
    return log


def invalid_repo_error(v, model, input_value="ArgsKwargs((), {'model': ...rocessor_plugin': None})"):
    msg = (f"Invalid repository ID or local directory specified: '{model}'.\n"
           "Please verify the following requirements:\n"
           "1. Provide a valid Hugging Face repository ID.\n"
           "2. Specify a local directory that contains a recognized configuration file.\n"
           "   - For Hugging Face models: ensure the presence of a 'config.json'.\n"
           "   - For Mistral models: ensure the presence of a 'params.json'.\n")
    if v == "0.11.0":
        msg += ("3. For GGUF: pass the local path of the GGUF checkpoint.\n"
                "   Loading GGUF from a remote repo directly is not yet supported.\n")
    return pydantic_error(v, "ModelConfig", msg, input_value)


def model_not_found(v, color=False):
    model = "meta-llama/Llama-3.1-8B-Instruc"  # the typo: no token, so the Hub answers 401
    log = startup(Log(v, color), model, {})
    url = f"https://huggingface.co/api/models/{model}/tree/main?recursive=True&expand=False"
    hint = ("If you are trying to access a private or gated repo, make sure you are authenticated. For more details, "
            "see https://huggingface.co/docs/huggingface_hub/authentication"
            if v == "0.11.0" else
            "If you are trying to access a private or gated repo, make sure you are authenticated and your token "
            "has the required permissions.\nFor more details, see https://huggingface.co/docs/huggingface_hub/authentication")
    hub = ("401 Client Error. (Request ID: Root=1-68f74c2e-0b5f4a8e1c7d2f3a4b6c8d9e;5a1e0c3b-9d7f-4e2a-8b1c-6f3d2e1a0b9c)\n\n"
           f"Repository Not Found for url: {url}.\nPlease make sure you specified the correct `repo_id` and `repo_type`.\n"
           f"{hint}\nInvalid username or password.")
    list_files_error(log, hub)
    fr = config_frames(v)
    return log.stderr(API, 1, traceback((fr, invalid_repo_error(v, model))))


def tokenizer_not_found(v, color=False):
    """transformers' own wording, reached when --tokenizer names a repo that does not exist."""
    model = "Qwen/Qwen2.5-7B-Instruct"
    tok = "Qwen/Qwen2.5-7B-Instruct-Tokenizer"
    log = config_lines(startup(Log(v, color), model, {"tokenizer": tok}))
    fr, api = api_frames(v)
    fr.f(api, "build_async_engine_client_from_engine_args", "async_llm = AsyncLLM.from_vllm_config(")
    fr.f("vllm/v1/engine/async_llm.py", "from_vllm_config", "return cls(")
    fr.f("vllm/v1/engine/async_llm.py", "__init__", "self.tokenizer = init_tokenizer_from_configs(")
    fr.raw(f"{PY}/transformers/models/auto/tokenization_auto.py", 1073, "from_pretrained",
           "tokenizer_config = get_tokenizer_config(pretrained_model_name_or_path, **kwargs)")
    fr.raw(f"{PY}/transformers/utils/hub.py", 322, "cached_file",
           "file = cached_files(path_or_repo_id=path_or_repo_id, filenames=[filename], **kwargs)")
    cause = Frames(v).raw(f"{PY}/huggingface_hub/utils/_http.py", 402, "hf_raise_for_status", "response.raise_for_status()")
    cause.raw(f"{PY}/requests/models.py", 1026, "raise_for_status", "raise HTTPError(http_error_msg, response=self)")
    url = f"https://huggingface.co/{tok}/resolve/main/tokenizer_config.json"
    mid = Frames(v).raw(f"{PY}/transformers/utils/hub.py", 479, "cached_files", "hf_hub_download(")
    mid.raw(f"{PY}/huggingface_hub/utils/_http.py", 452, "hf_raise_for_status",
            "raise _format(RepositoryNotFoundError, message, response) from e")
    n, code = source_line(v, "transformers/utils/hub.py", "raise OSError(", "cached_files")
    fr.raw(f"{PY}/transformers/utils/hub.py", n, "cached_files", code)
    return log.stderr(API, 1, traceback(
        (cause, f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {url}"),
        (mid, "huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: "
              "Root=1-68f74d01-2c3b4a5d6e7f8091a2b3c4d5;7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918)\n\n"
              f"Repository Not Found for url: {url}.\nPlease make sure you specified the correct `repo_id` and "
              "`repo_type`.\nIf you are trying to access a private or gated repo, make sure you are authenticated. "
              "For more details, see https://huggingface.co/docs/huggingface_hub/authentication\n"
              "Invalid username or password."),
        (fr, f"OSError: {tok} is not a local folder and is not a valid model identifier listed on "
             "'https://huggingface.co/models'\nIf this is a private repository, make sure to pass a token having "
             "permission to this repo either by logging in with `hf auth login` or by passing `token=<your_token>`")))


def invalid_revision(v, color=False):
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = startup(Log(v, color), model, {"revision": "v2.5"})
    url = f"https://huggingface.co/api/models/{model}/tree/v2.5?recursive=True&expand=False"
    hub = ("404 Client Error. (Request ID: Root=1-68f74e11-6a7b8c9d0e1f2a3b4c5d6e7f;1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9)\n\n"
           f"Revision Not Found for url: {url}.\nInvalid rev id: v2.5")
    list_files_error(log, hub)
    return log.stderr(API, 1, traceback((config_frames(v), invalid_repo_error(v, model))))


def hub_unreachable(v, color=False):
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = startup(Log(v, color), model, {})
    if v == "0.11.0":  # requests, wrapped by huggingface_hub's request-id adapter
        err = ("(MaxRetryError(\"HTTPSConnectionPool(host='huggingface.co', port=443): Max retries exceeded with url: "
               f"/api/models/{model}/tree/main?recursive=True&expand=False (Caused by NameResolutionError(\\\"<urllib3."
               "connection.HTTPSConnection object at 0x7f3a2c1b5e50>: Failed to resolve 'huggingface.co' ([Errno -3] "
               "Temporary failure in name resolution)\\\"))\"), '(Request ID: 0c6f6c1e-7d3a-4b8e-9a21-5f4e3d2c1b0a)')")
    else:  # huggingface_hub 1.x talks httpx
        err = "[Errno -3] Temporary failure in name resolution"
    list_files_error(log, err)
    return log.stderr(API, 1, traceback((config_frames(v), invalid_repo_error(v, model))))


def hub_offline_transformers(v, color=False):
    """transformers' "We couldn't connect" (the config.json download, after the file list succeeded from cache)."""
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = startup(Log(v, color), model, {})
    fr = config_frames(v)
    cfgpy = "vllm/transformers_utils/config.py"
    fr.f("vllm/config/model.py", "__post_init__", "hf_config = get_config(")
    fr.f(cfgpy, "get_config", "config_parser.parse(")
    fr.raw(f"{PY}/transformers/configuration_utils.py", 662, "get_config_dict",
           "config_dict, kwargs = cls._get_config_dict(pretrained_model_name_or_path, **kwargs)")
    n, code = source_line(v, "transformers/utils/hub.py", "raise OSError(", "cached_files")
    fr.raw(f"{PY}/transformers/utils/hub.py", n + 44, "cached_files", "raise OSError(")
    cause = Frames(v).raw(f"{PY}/huggingface_hub/file_download.py", 1546, "_raise_on_head_call_error",
                          "raise LocalEntryNotFoundError(")
    exc1 = ("huggingface_hub.errors.LocalEntryNotFoundError: An error happened while trying to locate the file on the "
            "Hub and we cannot find the requested files in the local cache. Please check your connection and try "
            "again or make sure your Internet connection is on.")
    exc2 = ("OSError: We couldn't connect to 'https://huggingface.co' to load the files, and couldn't find them in the "
            "cached files.\nCheck your internet connection or see how to run the library in offline mode at "
            "'https://huggingface.co/docs/transformers/installation#offline-mode'.")
    return log.stderr(API, 1, traceback((cause, exc1), (fr, exc2)))


def gated(v, color=False, token=False):
    model = "meta-llama/Llama-3.1-8B-Instruct"
    log = startup(Log(v, color), model, {})
    fr = config_frames(v)
    fr.f("vllm/config/model.py", "__post_init__", "hf_config = get_config(")
    fr.f("vllm/transformers_utils/config.py", "get_config", "config_parser.parse(")
    fr.raw(f"{PY}/transformers/configuration_utils.py", 662, "get_config_dict",
           "config_dict, kwargs = cls._get_config_dict(pretrained_model_name_or_path, **kwargs)")
    fr.raw(f"{PY}/transformers/utils/hub.py", 543, "cached_files", "raise OSError(")
    url = f"https://huggingface.co/{model}/resolve/main/config.json"
    cause = Frames(v).raw(f"{PY}/huggingface_hub/utils/_http.py", 409, "hf_raise_for_status", "response.raise_for_status()")
    status = "403" if token else "401"
    http = (f"requests.exceptions.HTTPError: {status} Client Error: {'Forbidden' if token else 'Unauthorized'} for url: {url}"
            if v == "0.11.0" else
            f"httpx.HTTPStatusError: Client error '{status} {'Forbidden' if token else 'Unauthorized'}' for url '{url}'\n"
            f"For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/{status}")
    server = (f"Access to model {model} is restricted and you are not in the authorized list. Visit "
              f"https://huggingface.co/{model} to ask for access." if token else
              f"Access to model {model} is restricted. You must have access to it and be authenticated to access it. "
              "Please log in.")
    hub = (f"{status} Client Error. (Request ID: Root=1-68f74f20-3d4e5f60718293a4b5c6d7e8;2c3d4e5f-6071-4829-a3b4-c5d6e7f8091a)\n\n"
           f"Cannot access gated repo for url {url}.\n{server}")
    mid = Frames(v).raw(f"{PY}/huggingface_hub/utils/_http.py", 426, "hf_raise_for_status",
                        "raise _format(GatedRepoError, message, response) from e")
    return log.stderr(API, 1, traceback(
        (cause, http), (mid, f"huggingface_hub.errors.GatedRepoError: {hub}"),
        (fr, f"OSError: You are trying to access a gated repo.\nMake sure to have access to it at "
             f"https://huggingface.co/{model}.\n{hub}")))


def invalid_token(v, color=False):
    model = "meta-llama/Llama-3.1-8B-Instruct"
    log = startup(Log(v, color), model, {})
    url = f"https://huggingface.co/api/models/{model}/tree/main?recursive=True&expand=False"
    first = (f"401 Client Error: Unauthorized for url: {url}" if v == "0.11.0" else
             f"Client error '401 Unauthorized' for url '{url}'\n"
             "For more information check: https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/401")
    hub = (f"{first} (Request ID: Root=1-68f75031-4e5f60718293a4b5c6d7e8f9;3d4e5f60-7182-493a-b4c5-d6e7f8091a2b)\n\n"
           "Invalid credentials in Authorization header")
    list_files_error(log, hub)
    return log.stderr(API, 1, traceback((config_frames(v), invalid_repo_error(v, model))))


def tp_workers(log, model, worker_exc_chain, worker_warns=()):
    """TP=2: worker processes fail, the engine core reports it, the APIServer prints the wrapper."""
    v = log.ver
    engine_start(log, model, 32768, tp=2)
    for rank in (0, 1):
        w = f"Worker_TP{rank}"
        log.log(w, 301 + rank, "INFO", "vllm/distributed/parallel_state.py", "is assigned as ",
                f"rank {rank} in world size 2 is assigned as DP rank 0, PP rank 0, TP rank {rank}, EP rank 0")
    for line in worker_warns:
        log.stderr("Worker_TP0", 301, [line])
    mp = "vllm/v1/executor/multiproc_executor.py"
    log.log("Worker_TP0", 301, "ERROR", mp, 'logger.exception("WorkerProc failed to start.")',
            "WorkerProc failed to start.\n" + "\n".join(traceback(*worker_exc_chain)))
    fr = executor_init(v)
    fr.f(mp, "_init_executor", "self.workers = WorkerProc.wait_for_ready(unready_workers)")
    fr.f(mp, "wait_for_ready", "raise e from None")
    engine_failure(log, [(fr, "Exception: WorkerProc initialization failed due to an exception in a background "
                                "process. See stack trace for root cause.")])
    return engine_wrapper(log, "{'EngineCore_DP0': 1}" if v == "0.11.0" else "{'EngineCore': 1}")


def nccl_frames(v):
    fr = Frames(v).f("vllm/v1/executor/multiproc_executor.py", "worker_main", "worker = WorkerProc(*args, **kwargs)")
    fr.f("vllm/v1/executor/multiproc_executor.py", "__init__", "self.worker.init_device()")
    fr.f("vllm/v1/worker/gpu_worker.py", "init_device", "init_worker_distributed_environment(")
    fr.f("vllm/v1/worker/gpu_worker.py", "init_worker_distributed_environment", "ensure_model_parallel_initialized(")
    fr.f("vllm/distributed/parallel_state.py", "ensure_model_parallel_initialized", "initialize_model_parallel(")
    fr.f("vllm/distributed/parallel_state.py", "initialize_model_parallel", "_TP = init_model_parallel_group(")
    fr.f("vllm/distributed/device_communicators/cuda_communicator.py", "__init__", "self.pynccl_comm = PyNcclCommunicator(")
    fr.f("vllm/distributed/device_communicators/pynccl.py", "__init__", "self.comm: ncclComm_t = self.nccl.ncclCommInitRank(")
    fr.f("vllm/distributed/device_communicators/pynccl_wrapper.py", "ncclCommInitRank", "self.NCCL_CHECK(")
    fr.f("vllm/distributed/device_communicators/pynccl_wrapper.py", "NCCL_CHECK", 'raise RuntimeError(f"NCCL error: {error_str}")')
    return fr


def nccl_cuda_error(v, color=False):
    model = "Qwen/Qwen2.5-32B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"tensor_parallel_size": 2}))
    warn = ("vllm-qwen-7d9f8c6b5-x2k4p:301:301 [0] include/alloc.h:125 NCCL WARN Cuda failure 'peer access is not "
            "supported between these two devices'")
    return tp_workers(log, model, [(nccl_frames(v), "RuntimeError: NCCL error: unhandled cuda error (run with "
                                                     "NCCL_DEBUG=INFO for details)")], [warn])


def shm_nccl(v, color=False):
    model = "Qwen/Qwen2.5-32B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"tensor_parallel_size": 2}))
    host = "vllm-qwen-7d9f8c6b5-x2k4p:301:388 [0]"
    warns = [f"{host} misc/shmutils.cc:80 NCCL WARN Error: failed to extend /dev/shm/nccl-Xq3LbE to 9637892 bytes, "
             "error: No space left on device (28)",
             f"{host} misc/shmutils.cc:128 NCCL WARN Error while creating shared memory segment /dev/shm/nccl-Xq3LbE "
             "(size 9637888), error: No space left on device (28)"]
    return tp_workers(log, model, [(nccl_frames(v), "RuntimeError: NCCL error: unhandled system error (run with "
                                                     "NCCL_DEBUG=INFO for details)")], warns)


def shm_bus_error(v, color=False):
    """vLLM 0.33 reports the worker's exit code: -7 is SIGBUS, what a full /dev/shm does to a mapped page."""
    model = "Qwen/Qwen2.5-32B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"tensor_parallel_size": 2}))
    engine_start(log, model, 32768, tp=2)
    log.log("Worker_TP0", 301, "INFO", "vllm/distributed/parallel_state.py", "is assigned as ",
            "rank 0 in world size 2 is assigned as DP rank 0, PP rank 0, TP rank 0, EP rank 0")
    log.log(ENGINE[v], 274, "ERROR", "vllm/v1/executor/multiproc_executor.py", '"Worker proc %s died unexpectedly',
            "Worker proc VllmWorker-1 died unexpectedly (exit code: -7), shutting down executor.")
    fr = executor_init(v)
    fr.f("vllm/v1/executor/multiproc_executor.py", "_init_executor", "self.workers = WorkerProc.wait_for_ready(unready_workers)")
    fr.f("vllm/v1/executor/multiproc_executor.py", "wait_for_ready", "raise e from None")
    engine_failure(log, [(fr, "Exception: WorkerProc initialization failed due to an exception in a background "
                                "process. See stack trace for root cause.")])
    return engine_wrapper(log, "{'EngineCore': 1}")


def distributed_timeout(v, color=False):
    """torch.distributed's TCPStore timing out: the other rank never joined."""
    model = "Qwen/Qwen2.5-32B-Instruct"
    log = config_lines(startup(Log(v, color), model, {"tensor_parallel_size": 2}))
    fr = Frames(v).f("vllm/v1/executor/multiproc_executor.py", "worker_main", "worker = WorkerProc(*args, **kwargs)")
    fr.f("vllm/v1/executor/multiproc_executor.py", "__init__", "self.worker.init_device()")
    fr.f("vllm/v1/worker/gpu_worker.py", "init_worker_distributed_environment", "init_distributed_environment(")
    fr.f("vllm/distributed/parallel_state.py", "init_distributed_environment", "torch.distributed.init_process_group(")
    fr.raw(f"{PY}/torch/distributed/rendezvous.py", 189, "_create_c10d_store", "return TCPStore(")
    exc = ("torch.distributed.DistNetworkError: The client socket has timed out after 600000ms while trying to connect "
           "to (127.0.0.1, 42379).")
    return tp_workers(log, model, [(fr, exc)])


def detected_platform(log):
    """The first line any `vllm` command prints, before its process has a name (no prefix yet)."""
    log.log("MainProcess", 1, "INFO", "vllm/platforms/__init__.py", "Automatically detected platform",
            "Automatically detected platform cuda.")
    if log.ver == "0.11.0":  # 0.11 prefixes only after decorate_logs(); strip what Log.log added
        log.text[-1] = log.text[-1].split("\033[0;0m ", 1)[1]
    return log


def unrecognized(v, color=False):
    """argparse exits before any logging is set up: usage, then the error, on stderr."""
    log = detected_platform(Log(v, color))
    if v == "0.11.0":
        bad = f"--api-keys {HEX48} --hf-token {HF_TOKEN}"
    else:
        bad = f"--served-model-key {SK_KEY} --kv-secret {B64}"
    log.text += ["usage: vllm serve [model_tag] [options]", f"vllm serve: error: unrecognized arguments: {bad}"]
    return log


def invalid_choice(v, color=False):
    log = detected_platform(Log(v, color))
    log.text += ["usage: vllm serve [model_tag] [options]",
                 "vllm serve: error: argument --dtype: invalid choice: 'fp16' (choose from 'auto', 'bfloat16', "
                 "'float', 'float16', 'float32', 'half')"]
    return log


def unrecognized_with_jwt(v, color=False):
    log = detected_platform(Log(v, color))
    log.text += ["usage: vllm serve [model_tag] [options]",
                 f"vllm serve: error: unrecognized arguments: --authorization Bearer {JWT}"]
    return log


def engine_unknown(v, color=False):
    """A root cause no rule knows: the diagnosis can only name the wrapper."""
    model = "Qwen/Qwen2.5-7B-Instruct"
    log = config_lines(startup(Log(v, color), model, {}))
    engine_start(log, model)
    fr = executor_init(v)
    if v == "0.11.0":
        fr.f("vllm/executor/uniproc_executor.py", "_init_executor", 'self.collective_rpc("load_model")')
    else:
        fr.f("vllm/v1/executor/uniproc_executor.py", "_init_executor", "self.driver_worker.load_model()")
    fr.f("vllm/v1/worker/gpu_worker.py", "load_model", "self.model_runner.load_model(")
    fr.f("vllm/model_executor/model_loader/default_loader.py", "load_weights", "loaded_weights = model.load_weights(")
    engine_failure(log, [(fr, "KeyError: 'layers.27.mlp.gate_up_proj.weight_scale_inv'")])
    return engine_wrapper(log, "{'EngineCore_DP0': 1}" if v == "0.11.0" else "{'EngineCore': 1}")


FIXTURES = [
    ("GpuMemoryInUse.log", gpu_memory_in_use, ("0.11.0", "0.33.0")),
    ("UnsupportedDtypeOrQuantization.log", bf16_on_old_gpu, ("0.11.0", "0.33.0")),
    ("UnsupportedDtypeOrQuantization.quantization.log", quantization_on_old_gpu, ("0.11.0", "0.33.0")),
    ("KvCacheTooSmall.log", kv_cache_too_small, ("0.11.0", "0.33.0")),
    ("CudaOutOfMemory.log", cuda_oom, ("0.11.0", "0.33.0")),
    ("MaxModelLenTooLarge.log", max_model_len_too_large, ("0.11.0", "0.33.0")),
    ("TensorParallelMismatch.log", tensor_parallel_mismatch, ("0.11.0", "0.33.0")),
    ("ModelNotFound.log", model_not_found, ("0.11.0", "0.33.0")),
    ("ModelNotFound.tokenizer.log", tokenizer_not_found, ("0.11.0",)),
    ("InvalidRevision.log", invalid_revision, ("0.11.0", "0.33.0")),
    ("HubUnreachable.log", hub_unreachable, ("0.11.0", "0.33.0")),
    ("HubUnreachable.offline.log", hub_offline_transformers, ("0.11.0", "0.33.0")),
    ("ModelAccessDenied.log", gated, ("0.11.0", "0.33.0")),
    ("ModelAccessDenied.not-granted.log", lambda v, c=False: gated(v, c, token=True), ("0.11.0", "0.33.0")),
    ("ModelAccessDenied.invalid-token.log", invalid_token, ("0.11.0", "0.33.0")),
    ("DistributedInitFailed.log", nccl_cuda_error, ("0.11.0", "0.33.0")),
    ("DistributedInitFailed.timeout.log", distributed_timeout, ("0.11.0", "0.33.0")),
    ("SharedMemoryTooSmall.log", shm_nccl, ("0.11.0", "0.33.0")),
    ("SharedMemoryTooSmall.bus-error.log", shm_bus_error, ("0.33.0",)),
    ("UnrecognizedArguments.log", unrecognized, ("0.11.0", "0.33.0")),
    ("UnrecognizedArguments.invalid-choice.log", invalid_choice, ("0.11.0", "0.33.0")),
    ("UnrecognizedArguments.jwt.log", unrecognized_with_jwt, ("0.33.0",)),
    ("EngineInitFailed.log", engine_unknown, ("0.11.0", "0.33.0")),
]

if __name__ == "__main__":
    for name, render, versions in FIXTURES:
        for v in versions:
            # vLLM 0.33 colours only when asked (VLLM_LOGGING_COLOR=1 / FORCE_COLOR): half the fixtures are.
            color = v == "0.33.0" and (zlib.crc32(name.encode()) % 2 == 0 or name.startswith(("Kv", "Cuda", "Gpu")))
            render(v, color).write(name)
    for m in sorted(set(MISSING)):
        print("not found in source:", m, file=sys.stderr)
