using System.CommandLine;
using BorderWatch.Cli;

var root = new RootCommand("BorderWatch tools: measure a running server.");
root.Subcommands.Add(LiveLatency.Command());
return await root.Parse(args).InvokeAsync();
