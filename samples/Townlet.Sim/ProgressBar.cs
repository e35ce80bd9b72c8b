namespace Townlet.Sim;

/// <summary>A one-line progress bar on standard error, redrawn at most a hundred times; nothing when output is redirected.</summary>
internal sealed class ProgressBar(long total, bool enabled)
{
    private readonly bool _enabled = enabled && !Console.IsErrorRedirected && !Console.IsOutputRedirected;
    private long _drawn = -1;

    public void Report(long done)
    {
        if (!_enabled) return;
        long percent = done * 100 / total;
        if (percent == _drawn) return;
        _drawn = percent;
        int filled = (int)(percent * 30 / 100);
        Console.Error.Write($"\r  [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}%  tick {done:N0}/{total:N0}");
        if (done == total) Console.Error.Write("\r" + new string(' ', 70) + "\r");
    }
}
