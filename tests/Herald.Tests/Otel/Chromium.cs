using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Tests.Otel;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (a WebSocket to one page): navigate, evaluate, screenshot.
/// Started with <c>--remote-debugging-port=0</c>; the port is read from <c>DevToolsActivePort</c> in its own profile
/// folder, which is deleted on dispose with the process tree.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    /// <summary>Set (to 1) where Chromium must be there: a missing browser fails the screenshot test instead of skipping it.</summary>
    public const string RequireVariable = "HERALD_REQUIRE_CHROMIUM";

    /// <summary>Overrides which browser executable is used.</summary>
    public const string PathVariable = "HERALD_CHROMIUM";

    private readonly Process _process;
    private readonly string _profile;
    private readonly StringBuilder _output = new();
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiving;
    private int _nextId;

    private Chromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser executable: <see cref="PathVariable"/>, else chromium, chromium-browser or google-chrome on PATH; null if none.</summary>
    public static string? FindExecutable()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured) return configured;
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => path.Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<Chromium> StartAsync(string executable, int width, int height)
    {
        string profile = Directory.CreateTempSubdirectory("herald-chromium-").FullName;
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--mute-audio",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank",
                 })
            start.ArgumentList.Add(arg);
        var chromium = new Chromium(Process.Start(start)!, profile);
        chromium._process.OutputDataReceived += (_, e) => chromium.Append(e.Data);
        chromium._process.ErrorDataReceived += (_, e) => chromium.Append(e.Data);
        chromium._process.BeginOutputReadLine();
        chromium._process.BeginErrorReadLine();
        try
        {
            await chromium.ConnectAsync(width, height);
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public Exception Failure(string message, Exception? inner = null) =>
        new InvalidOperationException($"{message}\n--- chromium output ---\n{(Output.Length > 4_000 ? Output[^4_000..] : Output)}", inner);

    private async Task ConnectAsync(int width, int height)
    {
        // DevToolsActivePort: the port on the first line, once the browser listens.
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        string? port = null;
        while (port is null)
        {
            if (_process.HasExited) throw Failure($"chromium exited with code {_process.ExitCode} while starting");
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw Failure("chromium did not open its DevTools port within 60 s");
            if (File.Exists(portFile) && File.ReadAllLines(portFile) is [{ Length: > 0 } first, ..]) port = first.Trim();
            else await Task.Delay(50);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string? pageSocket = null;
        while (pageSocket is null)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw Failure("chromium listed no page within 60 s");
            JsonArray targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            pageSocket = targets.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
            if (pageSocket is null) await Task.Delay(50);
        }
        await _socket.ConnectAsync(new Uri(pageSocket), _stop.Token);
        _receiving = Task.Run(ReceiveAsync);
        await SendAsync("Page.enable");
        await SendAsync("Runtime.enable");
        await SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });
    }

    /// <summary>Sends one command and waits for its result (a DevTools error throws with the browser's output).</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, TimeSpan? timeout = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        Task finished = await Task.WhenAny(answer.Task, Task.Delay(timeout ?? TimeSpan.FromSeconds(60)));
        if (finished != answer.Task)
        {
            _pending.TryRemove(id, out _);
            throw Failure($"DevTools {method}: no answer");
        }
        JsonElement response = await answer.Task;
        if (response.TryGetProperty("error", out JsonElement error)) throw Failure($"DevTools {method}: {error.GetRawText()}");
        return response.GetProperty("result");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                WebSocketReceiveResult part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                using (JsonDocument document = JsonDocument.Parse(message.ToArray()))
                {
                    if (document.RootElement.TryGetProperty("id", out JsonElement id) && _pending.TryRemove(id.GetInt32(), out var answer))
                        answer.SetResult(document.RootElement.Clone());
                }
                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // closing
        }
        foreach (var pending in _pending.Values) pending.TrySetException(Failure("the DevTools connection closed"));
    }

    public Task NavigateAsync(Uri url) => SendAsync("Page.navigate", new { url = url.ToString() });

    /// <summary>Evaluates <paramref name="expression"/> in the page (promises awaited) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        JsonElement result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out JsonElement details)) throw Failure($"evaluate {expression}: {details.GetRawText()}");
        JsonElement value = result.GetProperty("result");
        return value.TryGetProperty("value", out JsonElement v) ? v.Clone() : default;
    }

    /// <summary>Polls the page's text until <paramref name="done"/> says yes; fails with the last text seen.</summary>
    public async Task<string> WaitForTextAsync(Func<string, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        string text = "";
        while (true)
        {
            JsonElement value = await EvaluateAsync("document.body ? document.body.innerText : ''");
            text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            if (done(text)) return text;
            if (clock.Elapsed > timeout) throw Failure($"waited {timeout.TotalSeconds:0} s for {what}; the page shows:\n{(text.Length > 3_000 ? text[..3_000] : text)}");
            await Task.Delay(100);
        }
    }

    /// <summary>The viewport as PNG bytes.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        JsonElement result = await SendAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = false });
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_receiving is not null)
        {
            try
            {
                await _receiving;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // a child still writing; the temp folder is the system's to clean
        }
        _stop.Dispose();
    }
}
