using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Herald.Cli;

/// <summary>
/// <c>herald --version</c>: the tool's informational version. System.CommandLine's own action prints the entry
/// assembly's, which is not this one when the tool runs in another process's host (the tests).
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}
