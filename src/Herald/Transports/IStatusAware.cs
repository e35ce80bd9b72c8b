using System;

namespace Herald.Transports;

/// <summary>
/// A transport that reports the publisher's own counters (the prometheus textfile); the publisher attaches them.
/// The function is called on the worker thread during a send and never waits for producers (its counters may
/// trail the exact snapshot by the events being written at that instant).
/// </summary>
internal interface IStatusAware
{
    /// <summary>Gives the transport a way to read the publisher's status.</summary>
    void Attach(Func<TransportStatus> status);
}
