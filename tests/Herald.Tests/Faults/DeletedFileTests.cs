using static Herald.Tests.Faults.FaultKit;

namespace Herald.Tests.Faults;

/// <summary>
/// The active file deleted (or moved away) under a running publisher: the next batch starts a new file at the
/// configured path instead of writing into a file no path reaches, or failing for good on a rename of a missing path.
/// </summary>
public sealed class DeletedFileTests
{
    [Theory]
    [InlineData(0L)]       // no rotation
    [InlineData(4_096L)]   // rotation on
    public async Task A_deleted_active_file_is_created_again_and_nothing_after_it_is_lost(long maxFileBytes)
    {
        using var dir = new TempDir("deleted");
        string file = dir.File("events.jsonl");
        await using var publisher = TelemetryPublisher.Create(Options(new TransportOptions { Type = "file", FilePath = file, MaxFileBytes = maxFileBytes, RetainedFiles = 0 },
            BackpressureMode.Block, maxBatch: 10));
        for (int i = 0; i < 10; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)));

        File.Delete(file);
        for (int i = 10; i < 30; i++) publisher.Emit(Runtime.PublisherTestKit.Tick(i));
        Assert.True(await publisher.FlushAsync(TimeSpan.FromSeconds(10)), "the batches after the deletion are written");

        TransportStatus status = publisher.TransportStatus;
        AssertLedger(status);
        Assert.Equal((30L, 30L, 0L), (status.EventsEmitted, status.PayloadsFlushedTotal, status.DroppedMessages));
        List<int> written = Herald.Storage.RotatedFiles.InOrder(file)
            .SelectMany(f => WholeLines(File.ReadAllBytes(f), f))
            .Select(l => l.GetProperty("payload").GetProperty("tick").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(10, 20), written); // the deleted file's 10 are gone with it; every later one is on disk
    }
}
