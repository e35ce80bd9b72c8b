using System;
using Microsoft.Extensions.Logging;

namespace Herald.Publishing;

/// <summary>
/// Everything the runtime logs about itself, with stable event ids (docs/runtime.md, "Logging"). Each is a state change
/// logged by a worker thread, the subscriber task or <c>Create</c> — never by <c>Emit</c>, never once per event — through
/// the logger given to <c>TelemetryPublisher.Create</c> (the host's <c>Herald</c> category under <c>AddHerald</c>).
/// Error texts are what <c>TransportStatus.WorkerError</c> shows, scrubbed once more for credentials
/// (<see cref="Transports.ServerText.ForLog"/>).
/// </summary>
internal static partial class HeraldLog
{
    /// <summary>The ids, for tests and the docs table.</summary>
    public static class Ids
    {
        public const int StubChosen = 1001;
        public const int StubFallback = 1002;
        public const int WorkerRestarted = 1101;
        public const int WorkerDied = 1102;
        public const int TransportFailing = 1201;
        public const int TransportRecovered = 1202;
        public const int HandlerFailed = 1301;
    }

    [LoggerMessage(EventId = Ids.StubChosen, EventName = "StubChosen", Level = LogLevel.Warning,
        Message = "Telemetry runs as the stub sink ({Reason}): events are counted as dropped and not sent.")]
    public static partial void StubChosen(ILogger logger, string reason);

    [LoggerMessage(EventId = Ids.StubFallback, EventName = "StubFallback", Level = LogLevel.Error,
        Message = "Every transport's worker has stopped (the last, {Provider}, after {RestartLimit} restarts). Telemetry now runs as the stub sink: events are counted as dropped and not sent.")]
    public static partial void StubFallback(ILogger logger, string provider, int restartLimit);

    [LoggerMessage(EventId = Ids.WorkerRestarted, EventName = "WorkerRestarted", Level = LogLevel.Warning,
        Message = "The {Provider} transport's worker crashed ({Error}) and restarted ({Restart} of at most {RestartLimit} restarts); the batch in flight was counted as dropped.")]
    public static partial void WorkerRestarted(ILogger logger, string provider, string error, int restart, int restartLimit);

    [LoggerMessage(EventId = Ids.WorkerDied, EventName = "WorkerDied", Level = LogLevel.Error,
        Message = "The {Provider} transport's worker stopped after {RestartLimit} restarts ({Error}); its events are counted as dropped. Transports still sending: {LiveTransports}.")]
    public static partial void WorkerDied(ILogger logger, string provider, int restartLimit, string error, int liveTransports);

    [LoggerMessage(EventId = Ids.TransportFailing, EventName = "TransportFailing", Level = LogLevel.Warning,
        Message = "Sending to the {Provider} transport is failing: {ConsecutiveFailures} failed sends in a row over {FailingSeconds:0.###} s ({FailuresTotal} in all); last error: {Error}")]
    public static partial void TransportFailing(ILogger logger, string provider, long consecutiveFailures, double failingSeconds, long failuresTotal, string error);

    [LoggerMessage(EventId = Ids.TransportRecovered, EventName = "TransportRecovered", Level = LogLevel.Information,
        Message = "The {Provider} transport recovered: a send succeeded after {FailedSends} failed sends over {FailingSeconds:0.###} s.")]
    public static partial void TransportRecovered(ILogger logger, string provider, long failedSends, double failingSeconds);

    [LoggerMessage(EventId = Ids.HandlerFailed, EventName = "HandlerFailed", Level = LogLevel.Error,
        Message = "Telemetry handler {Handler} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler);
}
