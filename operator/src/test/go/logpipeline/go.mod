module vllmoperator.test/logpipeline

go 1.22
