global using BorderWatch.Contracts;
global using Orleans.Runtime;
