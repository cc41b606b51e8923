using BenchmarkDotNet.Running;

// dotnet run -c Release --project tools/BorderWatch.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(BorderWatch.Benchmarks.HotPaths).Assembly).Run(args);
