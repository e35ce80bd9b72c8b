using System.Diagnostics;
using Townlet.Sim;

namespace Herald.Tests.Otel;

/// <summary>
/// The dashboard's structured-logs page with the sample's events, captured by headless Chromium over the DevTools
/// protocol (a plain <c>chromium --screenshot</c> catches the page before it has rendered anything). The run's events
/// reach the dashboard through Herald's otlp transport, inside the sample's per-second Activities; the page is waited on until it
/// shows <c>loop.tick</c> rows, and the PNG is checked to hold something. Written to <see cref="OutputVariable"/>, else
/// <c>artifacts/screenshots/aspire-structured-logs.png</c> (docs/screenshots/capture-dashboard.sh refreshes
/// docs/images/aspire-structured-logs.png with it).
/// </summary>
public sealed class DashboardScreenshotTests
{
    private const string Missing = "chromium is not installed (Debian: apt-get install chromium; or set HERALD_CHROMIUM to a Chromium/Chrome executable)";

    /// <summary>
    /// A fact that needs Chromium: skipped, with the reason, where none is installed, unless
    /// <see cref="Chromium.RequireVariable"/> is 1 (CI sets it) — then it runs and fails naming what is missing.
    /// </summary>
    public sealed class ChromiumFactAttribute : FactAttribute
    {
        public ChromiumFactAttribute()
        {
            if (Chromium.FindExecutable() is null && Environment.GetEnvironmentVariable(Chromium.RequireVariable) != "1")
                Skip = Missing + $"; the dashboard screenshot is not taken ({Chromium.RequireVariable}=1 makes this a failure)";
        }
    }

    public const string OutputVariable = "HERALD_SCREENSHOT";
    private const int Width = 1600, Height = 900;

    private static string RepoRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [ChromiumFact]
    public async Task The_structured_logs_page_shows_the_sample_events_and_the_screenshot_is_not_blank()
    {
        string executable = Chromium.FindExecutable() ?? throw new InvalidOperationException($"{Missing}; {Chromium.RequireVariable}=1 requires it");
        string output = Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured, RepoRoot)
            : Path.Combine(RepoRoot, "artifacts", "screenshots", "aspire-structured-logs.png");

        await using AspireDashboard dashboard = await AspireDashboard.StartAsync();
        var clock = Stopwatch.StartNew();
        (SimResult result, string failedTrace) = await SendSampleRunAsync(dashboard);
        long sent = result.EventsPerType.Values.Sum();
        await dashboard.WaitForLogsAsync((int)sent, resource: "townlet");
        TimeSpan sending = clock.Elapsed;

        await using Chromium chromium = await Chromium.StartAsync(executable, Width, Height);
        // One simulated second: the one whose tick failed, by its trace id (the page filters on it).
        await chromium.NavigateAsync(new Uri(dashboard.UiUrl, "structuredlogs?traceId=" + failedTrace));
        // The grid fills in after the page loads (headless, it renders the first 5 rows of the newest): wait for them.
        string text = await chromium.WaitForTextAsync(t => Occurrences(t, "\nloop.tick\n") >= 5 && Occurrences(t, "\n" + failedTrace[..7] + "\n") >= 5
                && t.Contains("\ntownlet\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), $"loop.tick rows of townlet in trace {failedTrace}");
        await chromium.EvaluateAsync("document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))");
        byte[] png = await chromium.ScreenshotAsync();

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllBytesAsync(output, png);
        PngImage image = PngImage.Decode(png);
        Assert.Equal((Width, Height), (image.Width, image.Height));
        // A page with a grid of rows: many colours (anti-aliased text, the UI's accents) and a good share of non-background pixels.
        Assert.True(image.DistinctColours > 100, $"{output}: {image.DistinctColours} colours; the page text was: {text[..Math.Min(500, text.Length)]}");
        Assert.True(image.ForegroundShare > 0.03, $"{output}: {image.ForegroundShare:P1} of the pixels differ from the background");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"sent and read back in {sending.TotalSeconds:0.0} s, page and screenshot in {(clock.Elapsed - sending).TotalSeconds:0.0} s");
    }

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>
    /// Ten simulated seconds of the sample, with a failing tick, through Herald's otlp transport to the dashboard, as
    /// service <c>townlet</c>; each second is its own trace. Returns the failed second's trace id.
    /// </summary>
    private static async Task<(SimResult Result, string FailedTrace)> SendSampleRunAsync(AspireDashboard dashboard)
    {
        using var source = new ActivitySource(SimTracing.SourceName + ".Screenshot." + Guid.NewGuid().ToString("N"));
        using ActivityListener listener = SimTracing.Listen(source);
        var failed = new List<string>();
        using var watcher = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            ActivityStopped = a => { if (a.Status == ActivityStatusCode.Error) failed.Add(a.TraceId.ToHexString()); },
        };
        ActivitySource.AddActivityListener(watcher);
        var options = new TelemetryOptions
        {
            Resource = System.Collections.Immutable.ImmutableDictionary<string, object>.Empty.Add("service.name", "townlet"),
            Transport = new TransportOptions { Type = "otlp", Endpoint = dashboard.OtlpUrl.ToString() },
        };
        SimResult result;
        await using (TelemetryPublisher publisher = TelemetryPublisher.Create(options))
        {
            result = new Simulation(new SimSettings { Ticks = 600, FailAtTick = 450, Tracing = source }, publisher).Run();
            await publisher.FlushAsync();
        }
        return (result, Assert.Single(failed));
    }
}
