global using BorderWatch.Contracts;
global using Orleans.Concurrency;
global using Orleans.Runtime;
