using System;

namespace Herald;

/// <summary>What the worker does when the buffer is full (<c>telemetry.transport.worker.backpressure</c>).</summary>
public enum BackpressureMode
{
    /// <summary><c>drop_oldest</c>: drop the oldest queued events to make room, and count them.</summary>
    DropOldest,
    /// <summary><c>block</c>: the producer waits up to <c>block_timeout_seconds</c>, then drops the event and counts it.</summary>
    Block,
    /// <summary><c>fan_out</c>: the producer sends the overflowing event itself, synchronously, on its own thread.</summary>
    FanOut,
}

/// <summary>
/// Settings of a <see cref="TelemetryPublisher"/>, in the shape of seed 000's <c>telemetry:</c> section
/// (keys in docs/configuration.md). Defaults are the documented ones.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary><c>telemetry.transport</c>.</summary>
    public TransportOptions Transport { get; init; } = new();

    /// <summary>Envelope <c>source</c> for events whose schema has no <c>x-source</c> (default: <c>&lt;module&gt;_service</c>).</summary>
    public string? Source { get; init; }

    /// <summary>How long <c>DisposeAsync</c> waits for queued events to be sent before counting them as dropped.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary><c>telemetry.transport</c>.</summary>
public sealed record TransportOptions
{
    /// <summary><c>type</c>: <c>stdout</c> or <c>file</c> (network transports come with their own issue).</summary>
    public string Type { get; init; } = "stdout";

    /// <summary><c>file_path</c> for the file transport.</summary>
    public string? FilePath { get; init; }

    /// <summary><c>worker_poll_seconds</c>: the longest an event waits in the buffer before the worker sends it.</summary>
    public double WorkerPollSeconds { get; init; } = 0.5;

    /// <summary><c>buffer</c>.</summary>
    public BufferOptions Buffer { get; init; } = new();

    /// <summary><c>worker</c>.</summary>
    public WorkerOptions Worker { get; init; } = new();
}

/// <summary><c>telemetry.transport.buffer</c>.</summary>
public sealed record BufferOptions
{
    /// <summary><c>max_batch_size</c>: events per transport send; reaching it wakes the worker.</summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary><c>max_buffer_bytes</c>: the most serialized bytes queued before backpressure applies.</summary>
    public int MaxBufferBytes { get; init; } = 1 << 20;

    /// <summary><c>flush_interval_ticks</c>: every this many <c>Tick</c> calls the worker sends what is queued (0: never).</summary>
    public int FlushIntervalTicks { get; init; } = 1;
}

/// <summary><c>telemetry.transport.worker</c>.</summary>
public sealed record WorkerOptions
{
    /// <summary><c>backpressure</c>.</summary>
    public BackpressureMode Backpressure { get; init; } = BackpressureMode.DropOldest;

    /// <summary><c>block_timeout_seconds</c>: how long <c>block</c> mode waits for room.</summary>
    public double BlockTimeoutSeconds { get; init; } = 0.5;

    /// <summary><c>restart_limit</c>: worker restarts after crashes before the publisher falls back to the stub.</summary>
    public int RestartLimit { get; init; } = 3;

    /// <summary><c>send_retry_limit</c>: retries of a transiently failed batch before it is dropped.</summary>
    public int SendRetryLimit { get; init; } = 5;
}
