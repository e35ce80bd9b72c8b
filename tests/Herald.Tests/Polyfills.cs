#if !NET9_0_OR_GREATER
using System.Security.Cryptography.X509Certificates;

// The .NET 9 APIs the tests use, for the net8.0 build (the runtime's own are in src/Herald/Polyfills).

namespace Herald.Tests
{
    internal static class ConvertPolyfill
    {
        extension(Convert)
        {
            /// <summary><c>Convert.ToHexStringLower</c> (.NET 9).</summary>
            public static string ToHexStringLower(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
        }
    }
}

namespace System.Security.Cryptography.X509Certificates
{
    /// <summary><c>X509CertificateLoader</c> (.NET 9), over the constructor .NET 8 loads certificates with.</summary>
    internal static class X509CertificateLoader
    {
        public static X509Certificate2 LoadPkcs12(byte[] data, string? password) => new(data, password);
    }
}
#endif
