using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Transports;

/// <summary>A quiet Kestrel app on 127.0.0.1 (a free port unless one is given), for the transports' test servers.</summary>
internal static class LoopbackKestrel
{
    public static WebApplication Build(int port = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder.Build();
    }
}
