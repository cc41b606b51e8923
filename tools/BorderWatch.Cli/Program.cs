using System.CommandLine;
using BorderWatch.Cli;
using BorderWatch.Cli.Export;
using BorderWatch.Cli.Replay;
using BorderWatch.Cli.Simulation;

var root = new RootCommand("BorderWatch tools: replay, simulate and export feeds; measure a running server.");
root.Subcommands.Add(ReplayCommand.Command());
root.Subcommands.Add(SimulateCommand.Command());
root.Subcommands.Add(ExportCommand.Command());
root.Subcommands.Add(BorderWatch.Cli.Backtest.BacktestCommand.Command());
root.Subcommands.Add(BorderWatch.Cli.Backtest.EvaluateCommand.Command());
root.Subcommands.Add(LiveLatency.Command());
root.Subcommands.Add(AlertLatency.Command());
root.Subcommands.Add(KeyCommand.Command());
root.Subcommands.Add(BorderWatch.Cli.Bench.BenchCommand.Command());
return await root.Parse(args).InvokeAsync();
