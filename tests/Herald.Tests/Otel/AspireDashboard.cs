using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Herald.Tests.Otel;

/// <summary>
/// The Aspire dashboard as a real OTLP receiver: its self-contained executable (NuGet package
/// <c>Aspire.Dashboard.Sdk.linux-x64</c>, <c>tools/Aspire.Dashboard</c>) started on two free loopback ports, one for
/// the UI and its HTTP API, one for OTLP/HTTP (<c>POST /v1/logs</c>, protobuf or JSON; no gRPC endpoint is opened).
/// Logs are read back from <c>GET /api/telemetry/logs</c> as OTLP JSON (<see cref="StoredLogs"/>).
/// <para>
/// What the receiver does with a record (13.6.5): every attribute value comes back as a string (<c>42</c>, <c>1.5</c>,
/// <c>true</c>, arrays and maps as JSON text, bytes as hex); the body too; times are kept to 100 ns; a record without a
/// time gets its observed time; <c>severityText</c> is the dashboard's name for <c>severityNumber</c>, not the text sent;
/// it adds an <c>aspire.log_id</c> attribute (arrival order) and an empty <c>service.instance.id</c> to a resource without
/// one; it keeps one version per scope name (the first it saw); records are returned oldest first by time, the newest
/// <c>limit</c> of them (200 by default). Its OTLP/HTTP endpoint answers 400 to a gzip body. A restart loses everything.
/// </para>
/// </summary>
internal sealed class AspireDashboard : IAsyncDisposable
{
    /// <summary>Overrides where the executable is (the package's <c>tools/Aspire.Dashboard</c> by default).</summary>
    public const string PathVariable = "HERALD_ASPIRE_DASHBOARD";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _output = new();
    private readonly int _maxLogCount;
    private Process? _process;

    private AspireDashboard(int uiPort, int otlpPort, int maxLogCount)
    {
        UiPort = uiPort;
        OtlpPort = otlpPort;
        _maxLogCount = maxLogCount;
        Http = new HttpClient { BaseAddress = UiUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public int UiPort { get; }
    public int OtlpPort { get; }

    /// <summary>The UI and its API: <c>http://127.0.0.1:&lt;ui&gt;/</c>.</summary>
    public Uri UiUrl => new($"http://127.0.0.1:{UiPort}/");

    /// <summary>The OTLP/HTTP base URL: <c>http://127.0.0.1:&lt;otlp&gt;</c>.</summary>
    public Uri OtlpUrl => new($"http://127.0.0.1:{OtlpPort}");

    /// <summary>Where OTLP/HTTP logs go: <c>http://127.0.0.1:&lt;otlp&gt;/v1/logs</c>.</summary>
    public Uri LogsEndpoint => new(OtlpUrl, "/v1/logs");

    /// <summary>A client for the UI's API (base address <see cref="UiUrl"/>).</summary>
    public HttpClient Http { get; }

    /// <summary>How long the last start took, from launching the process to both ports answering.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>What the process wrote to standard output and standard error, across restarts.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// The executable: <see cref="PathVariable"/> when set, else the package in the NuGet packages folder (recorded in
    /// the test assembly's metadata at build time).
    /// </summary>
    public static string ExecutablePath
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
            return typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "AspireDashboardPath").Value!;
        }
    }

    /// <summary>Starts a dashboard on two free loopback ports and waits until both answer.</summary>
    /// <param name="maxLogCount">How many log records it keeps (its default is 10,000; older ones are dropped).</param>
    public static async Task<AspireDashboard> StartAsync(int maxLogCount = 200_000)
    {
        string path = ExecutablePath;
        if (!File.Exists(path))
            throw new InvalidOperationException($"The Aspire dashboard is not at {path}: the test project's restore downloads the package " +
                $"Aspire.Dashboard.Sdk.linux-x64 (a PackageDownload in Herald.Tests.csproj; linux-x64 only), or set {PathVariable}.");
        // A free port can be taken between finding it and the dashboard binding it: try again with new ones.
        for (int attempt = 1; ; attempt++)
        {
            var dashboard = new AspireDashboard(FreePort(), FreePort(), maxLogCount);
            try
            {
                await dashboard.LaunchAsync();
                return dashboard;
            }
            catch (Exception) when (attempt < 3 && dashboard.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await dashboard.DisposeAsync();
            }
            catch
            {
                await dashboard.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills the process and starts it again on the same ports (everything it stored is gone).</summary>
    public async Task RestartAsync()
    {
        Kill();
        AppendOutput("--- restarted ---");
        await LaunchAsync();
    }

    /// <summary>Kills the process (the receiver goes away; <see cref="RestartAsync"/> brings it back).</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // exited already
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>The stored logs, newest <paramref name="limit"/> of them (oldest first).</summary>
    /// <param name="limit">At most this many (the dashboard's own default is 200).</param>
    /// <param name="resource">
    /// Only this resource's: its service.name, or <c>name-instance</c> when it has a service.instance.id (as the dashboard
    /// shows it). None yet reads as no records.
    /// </param>
    public async Task<StoredLogs> ReadLogsAsync(int limit = 1_000_000, string? resource = null)
    {
        string query = $"api/telemetry/logs?limit={limit}" + (resource is null ? "" : "&resource=" + Uri.EscapeDataString(resource));
        using HttpResponseMessage response = await Http.GetAsync(query);
        string text = await response.Content.ReadAsStringAsync();
        // A resource the dashboard has not seen yet is a 404 (problem+json "{}"), not an empty list.
        if (resource is not null && response.StatusCode == HttpStatusCode.NotFound) return new StoredLogs(0, 0, []);
        if (response.StatusCode != HttpStatusCode.OK) throw Failure($"GET {query}: {(int)response.StatusCode} {text}");
        try
        {
            return StoredLogs.Parse(text);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Failure($"GET {query}: unexpected JSON ({ex.Message}): {Shorten(text)}", ex);
        }
    }

    /// <summary>
    /// Polls the stored logs until at least <paramref name="count"/> records of <paramref name="resource"/> match
    /// <paramref name="where"/> (the receiver stores a request's records before it answers, but a sender's exporter may
    /// still be sending); fails with what it has and the dashboard's output after <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyList<StoredLog>> WaitForLogsAsync(int count, string? resource = null, Func<StoredLog, bool>? where = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            StoredLogs stored = await ReadLogsAsync(resource: resource);
            List<StoredLog> matching = stored.Logs.Where(where ?? (_ => true)).ToList();
            if (matching.Count >= count) return matching;
            if (clock.Elapsed > limit)
                throw Failure($"waited {limit.TotalSeconds:0} s for {count} log records{(resource is null ? "" : " of " + resource)}; the dashboard has " +
                              $"{matching.Count} matching of {stored.TotalCount} ({string.Join(", ", stored.Logs.Take(5).Select(l => l.EventName ?? l.Body))}...)");
            await Task.Delay(50);
        }
    }

    /// <summary>An exception whose message ends with the dashboard's output, for a failed assertion or a failed start.</summary>
    public Exception Failure(string message, Exception? inner = null) =>
        new InvalidOperationException($"{message}\n--- Aspire dashboard (ui {UiUrl}, otlp {OtlpUrl}) output ---\n{Shorten(Output, 8_000)}", inner);

    public ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = Path.GetDirectoryName(ExecutablePath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Whatever a developer's shell sets for a dashboard must not move these ports or limits.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("ASPIRE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_DASHBOARD_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Dashboard__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["ASPNETCORE_URLS"] = UiUrl.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = OtlpUrl.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["Dashboard__TelemetryLimits__MaxLogCount"] = _maxLogCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Dashboard__TelemetryLimits__MaxAttributeCount"] = "10000";

        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw Failure($"cannot start {ExecutablePath}: {ex.Message} (is it executable?)", ex);
        }
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) AppendOutput(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) AppendOutput(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (process.HasExited) throw Failure($"the dashboard exited with code {process.ExitCode} while starting");
            if (clock.Elapsed > StartTimeout) throw Failure($"the dashboard did not answer within {StartTimeout.TotalSeconds:0} s");
            if (await ReadyAsync(probe))
            {
                StartupTime = clock.Elapsed;
                return;
            }
            await Task.Delay(25);
        }
    }

    /// <summary>The UI's health endpoint says Healthy and the OTLP endpoint takes an empty export request.</summary>
    private async Task<bool> ReadyAsync(HttpClient probe)
    {
        try
        {
            using HttpResponseMessage health = await probe.GetAsync(new Uri(UiUrl, "health"));
            if (health.StatusCode != HttpStatusCode.OK || await health.Content.ReadAsStringAsync() != "Healthy") return false;
            using var empty = new StringContent("{}", Encoding.UTF8, "application/json");
            using HttpResponseMessage otlp = await probe.PostAsync(LogsEndpoint, empty);
            return otlp.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void AppendOutput(string line)
    {
        lock (_output) _output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Shorten(string text, int max = 2_000) => text.Length <= max ? text : text[..(max / 2)] + "\n...\n" + text[^(max / 2)..];
}
