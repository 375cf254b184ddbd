package io.vllmoperator.validation;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Evaluates x-kubernetes-validations rules with cel-java, compiling each rule once. */
final class CelRuleEvaluator {
  private static final CelOptions OPTIONS = CelOptions.current().build();
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .setOptions(OPTIONS)
          // The API server's CEL has the strings extension (split, replace, ...) and the quantity
          // library; so must we.
          .addLibraries(CelExtensions.strings(), QuantityLibrary.INSTANCE)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(OPTIONS)
          .addLibraries(CelExtensions.strings(), QuantityLibrary.INSTANCE)
          .build();

  private final Map<String, CelRuntime.Program> programs = new ConcurrentHashMap<>();

  /** True when the rule holds for {@code self}; an evaluation error counts as a refusal. */
  boolean holds(String rule, Object self) throws CelEvaluationException {
    return Boolean.TRUE.equals(
        programs.computeIfAbsent(rule, CelRuleEvaluator::compile).eval(Map.of("self", self)));
  }

  private static CelRuntime.Program compile(String rule) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("CRD rule does not compile: " + rule, e);
    }
  }
}
