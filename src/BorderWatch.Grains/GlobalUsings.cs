global using BorderWatch.Contracts;
global using BorderWatch.Detectors;
global using Orleans.Concurrency;
global using Orleans.Runtime;
