using System.Text.Json;
using Herald.Tests.Runtime;

namespace Herald.Tests.Faults;

/// <summary>
/// A secret for one test: set in a fresh environment variable (for <c>auth_token_env</c>), standard error captured,
/// a logger recording; <see cref="AssertNowhere"/> counts the secret in every status field, log line and stderr.
/// Use inside <c>[Collection(nameof(ConsoleErrorCollection))]</c>: Console.Error is process-wide.
/// </summary>
internal sealed class CanaryToken : IDisposable
{
    private readonly TextWriter _originalError = Console.Error;

    public CanaryToken()
    {
        Value = "canary" + Guid.NewGuid().ToString("N"); // letters and digits only: JSON escapes nothing in it
        Variable = "HERALD_FAULT_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(Variable, Value);
        Console.SetError(Errors);
    }

    public string Value { get; }

    public string Variable { get; }

    public StringWriter Errors { get; } = new();

    public ListLogger Logger { get; } = new();

    public void AssertNowhere(params TransportStatus[] statuses)
    {
        foreach (TransportStatus status in statuses)
        {
            Assert.Equal(0, Count(JsonSerializer.Serialize(status))); // every field, nested transports included
            Assert.Equal(0, Count(status.ToString()));
            foreach (TransportStatus each in status.Transports) Assert.Equal(0, Count(each.ToString()));
        }
        Assert.Equal(0, Logger.Messages.Sum(Count));
        Assert.Equal(0, Logger.Errors.Sum(e => Count(e.ToString())));
        Assert.Equal(0, Count(Errors.ToString()));
    }

    private int Count(string text) => text.Split(Value, StringSplitOptions.None).Length - 1;

    public void Dispose()
    {
        Console.SetError(_originalError);
        Environment.SetEnvironmentVariable(Variable, null);
    }
}
