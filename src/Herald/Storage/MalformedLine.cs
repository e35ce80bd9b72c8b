namespace Herald.Storage;

/// <summary>A line that is not a charter envelope: skipped by reads, reported with where and why.</summary>
/// <param name="LineNumber">One-based line number in the file (for batches stored in memory: within the batch).</param>
/// <param name="Reason">What is wrong with it, e.g. <c>invalid JSON: ...</c> or <c>no 'type'</c>.</param>
public sealed record MalformedLine(long LineNumber, string Reason)
{
    /// <summary>The file it is in, when a read spans several (a rotated set); null for the storage's own file or memory.</summary>
    public string? File { get; init; }
}
