using System.Diagnostics;

namespace Townlet.Sim;

/// <summary>
/// The simulation's traces: each simulated second (<see cref="Town.TicksPerSecond"/> ticks) runs inside an Activity
/// <c>townlet.second</c> of the ActivitySource <c>Townlet.Sim</c>, so every event emitted in that second carries its
/// trace id and span id (Herald takes them from <see cref="Activity.Current"/> at Emit). Each second is its own trace,
/// or a child of whatever Activity is current when the run starts (a host's). The ticks before the first second ends
/// (the agents connecting) belong to the first second, the shutdown disconnects to the last.
/// <para>
/// Nothing listens unless someone asks: an OpenTelemetry SDK in the process that adds the source, or
/// <see cref="Listen"/> (the sample's <c>--trace</c>, on by default when a transport is <c>otlp</c>). With no listener
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null once a second and the run is unchanged.
/// </para>
/// </summary>
internal static class SimTracing
{
    public const string SourceName = "Townlet.Sim";
    public const string SecondActivity = "townlet.second";

    /// <summary>The sample's source; <see cref="SimSettings.Tracing"/> may name another (the tests use their own).</summary>
    public static readonly ActivitySource Source = new(SourceName, typeof(SimTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts listening to <paramref name="source"/> in this process: every second is created and marked sampled
    /// (its events are all recorded, so a backend that keeps sampled traces' logs keeps them). Dispose to stop.
    /// </summary>
    public static ActivityListener Listen(ActivitySource? source = null)
    {
        string name = (source ?? Source).Name;
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Whether the run listens itself: <c>--trace</c> / <c>--no-trace</c>, else when a transport is otlp.</summary>
    public static bool ShouldListen(bool? requested, IEnumerable<string> transportTypes) =>
        requested ?? transportTypes.Any(t => string.Equals(t, "otlp", StringComparison.OrdinalIgnoreCase));

    /// <summary>The Activity for the second starting at <paramref name="firstTick"/>; null when nobody listens.</summary>
    public static Activity? StartSecond(ActivitySource? source, long firstTick, int seed)
    {
        Activity? activity = source?.StartActivity(SecondActivity, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("townlet.second", (firstTick - 1) / Town.TicksPerSecond);
            activity.SetTag("townlet.tick.first", firstTick);
            activity.SetTag("townlet.seed", seed);
        }
        return activity;
    }

    /// <summary>Ends the second: its last tick, and an error status when a tick in it failed.</summary>
    public static void EndSecond(Activity? activity, long lastTick)
    {
        if (activity is null) return;
        if (activity.IsAllDataRequested) activity.SetTag("townlet.tick.last", lastTick);
        activity.Dispose();
    }

    /// <summary>Marks the second failed (a tick threw inside it).</summary>
    public static void Failed(Activity? activity, Exception ex)
    {
        if (activity is not { IsAllDataRequested: true }) return;
        activity.SetStatus(ActivityStatusCode.Error, ex.Message);
        activity.AddException(ex);
    }
}
