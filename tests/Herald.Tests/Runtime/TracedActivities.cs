using System.Diagnostics;

namespace Herald.Tests.Runtime;

/// <summary>
/// An <see cref="ActivitySource"/> with a listener that records everything, so <see cref="Activity.Current"/> is a real,
/// sampled activity (trace flags 01) while one is started. Listens to its own source only: tests running beside it are
/// unaffected.
/// </summary>
internal sealed class TracedActivities : IDisposable
{
    private readonly ActivitySource _source = new("Herald.Tests.Trace." + Guid.NewGuid().ToString("N"));
    private readonly ActivityListener _listener;

    public TracedActivities()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts an activity and makes it current; never null while the listener is registered.</summary>
    public Activity Start(string name = "work") => _source.StartActivity(name) ?? throw new InvalidOperationException("the listener did not sample");

    /// <summary><c>"meta":{…}</c> as the envelope writes it for <paramref name="activity"/> (null: no activity).</summary>
    public static string Meta(Activity? activity, string? correlation = null, string version = "1.0")
    {
        string correlationJson = correlation is null ? "null" : "\"" + correlation + "\"";
        string trace = activity is null
            ? "\"trace_id\":null,\"span_id\":null"
            : $"\"trace_id\":\"{activity.TraceId.ToHexString()}\",\"span_id\":\"{activity.SpanId.ToHexString()}\",\"trace_flags\":{(int)activity.ActivityTraceFlags}";
        return "\"meta\":{\"correlation_id\":" + correlationJson + "," + trace + ",\"version\":\"" + version + "\"}}";
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }
}
