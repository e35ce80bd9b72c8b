namespace Herald.Tests.Otel;

/// <summary>
/// One Aspire dashboard shared by the receiver tests, which run one after another; each test keeps to its own
/// resource (a unique service.name) so they do not see each other's records.
/// </summary>
[CollectionDefinition(nameof(DashboardCollection))]
public sealed class DashboardCollection : ICollectionFixture<SharedDashboard>;

public sealed class SharedDashboard : IAsyncLifetime
{
    private AspireDashboard? _dashboard;

    internal AspireDashboard Dashboard => _dashboard ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _dashboard = await AspireDashboard.StartAsync();

    public async Task DisposeAsync()
    {
        if (_dashboard is not null) await _dashboard.DisposeAsync();
    }

    /// <summary>A service.name no other test uses.</summary>
    public static string UniqueService(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
}
