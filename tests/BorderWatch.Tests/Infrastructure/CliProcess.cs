using System.Diagnostics;
using System.Text;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>The borderwatch tool run as a user runs it: a process, its exit code and its output.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process) => _process = process;

    public string Output { get { lock (_output) return _output.ToString(); } }
    public int Id => _process.Id;

    public static CliProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Paths.CliDll);
        start.Environment["BORDERWATCH_API_KEY"] = TestKeys.Admin;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var cli = new CliProcess(Process.Start(start)!);
        cli._process.OutputDataReceived += (_, e) => cli.Append(e.Data);
        cli._process.ErrorDataReceived += (_, e) => cli.Append(e.Data);
        cli._process.BeginOutputReadLine();
        cli._process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs the tool to its end; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var cli = Start(args);
        var exit = await cli.WaitAsync(timeout);
        return (exit, cli.Output);
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"borderwatch did not finish within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>What Ctrl-C sends.</summary>
    /// <summary>
    /// Ctrl+C. A process started in the background by a shell without job control inherits SIGINT ignored, and so
    /// does every process under it: run the tests in the foreground (as CI does) for this to reach the tool.
    /// </summary>
    public void Interrupt() => Process.Start("kill", ["-INT", _process.Id.ToString()])!.WaitForExit();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
