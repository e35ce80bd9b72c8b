using System;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Transports;

/// <summary>
/// How network transports decide to trust a server certificate: the system store and host name by default; the
/// roots of a PEM bundle (<c>tls_ca_file</c>); or exactly one pinned certificate (<c>tls_pin_sha256</c>, for
/// self-signed collectors). There is deliberately no accept-all.
/// </summary>
internal sealed class CertificateTrust
{
    private readonly X509Certificate2Collection? _roots;
    private readonly byte[]? _pin;

    private CertificateTrust(X509Certificate2Collection? roots, byte[]? pin)
    {
        _roots = roots;
        _pin = pin;
    }

    /// <summary>The trust the options ask for.</summary>
    /// <exception cref="ArgumentException">The CA file holds no certificate, or the pin is not 64 hex digits.</exception>
    public static CertificateTrust From(TransportOptions options)
    {
        X509Certificate2Collection? roots = null;
        if (options.TlsCaFile is { Length: > 0 } caFile)
        {
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0) throw new ArgumentException($"tls_ca_file '{caFile}' holds no certificate.", nameof(options));
        }
        return new CertificateTrust(roots, options.TlsPinSha256 is { Length: > 0 } pin ? ParsePin(pin) : null);
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if (_pin is not null) return CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), _pin);
        if (_roots is null) return errors == SslPolicyErrors.None;
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }

    /// <summary>64 hex digits, colons allowed (<c>AB:CD:...</c>, as certificate tools print them).</summary>
    internal static byte[] ParsePin(string pin)
    {
        string hex = pin.Replace(":", "", StringComparison.Ordinal).Trim();
        if (hex.Length != 64) throw new ArgumentException("tls_pin_sha256 must be the certificate's SHA-256: 64 hex digits.", nameof(pin));
        return Convert.FromHexString(hex);
    }
}
