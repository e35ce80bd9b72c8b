using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Herald.Tests.Transports;

/// <summary>Certificates made at test time: a self-signed one, and a CA with a leaf it signed, for 127.0.0.1.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 SelfSigned() => Usable(Request("CN=herald-test-collector").CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)));

    /// <summary>A root CA and a server certificate it issued.</summary>
    public static (X509Certificate2 Ca, X509Certificate2 Leaf) CaAndLeaf()
    {
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=herald-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using RSA leafKey = RSA.Create(2048);
        CertificateRequest leafRequest = Request("CN=herald-test-collector", leafKey);
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        using X509Certificate2 issued = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), serial);
        return (ca, Usable(issued.CopyWithPrivateKey(leafKey)));
    }

    /// <summary>The pin <c>tls_pin_sha256</c> takes: the SHA-256 of the DER SubjectPublicKeyInfo, as 64 hex digits.</summary>
    public static string PinHex(X509Certificate2 certificate) => Convert.ToHexString(SpkiSha256(certificate));

    /// <summary>The same pin in curl's <c>--pinnedpubkey</c> form: <c>sha256//BASE64</c>.</summary>
    public static string PinBase64(X509Certificate2 certificate) => "sha256//" + Convert.ToBase64String(SpkiSha256(certificate));

    /// <summary>The SHA-256 of the whole certificate (what a public-key pin is not).</summary>
    public static string WholeCertificateSha256Hex(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    private static byte[] SpkiSha256(X509Certificate2 certificate) => SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());

    /// <summary>A root CA (ECDSA P-256, fast to make), valid from 30 days ago to 30 days ahead unless told otherwise.</summary>
    /// <summary>A CA (ECDSA P-256, fast to make), valid from 30 days ago to 30 days ahead: a root, or an intermediate <paramref name="issuer"/> signed.</summary>
    public static X509Certificate2 Authority(string subject, X509Certificate2? issuer = null)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null) return Usable(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30)));
        using X509Certificate2 issued = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(20), RandomNumberGenerator.GetBytes(12));
        return Usable(issued.CopyWithPrivateKey(key));
    }

    /// <summary>
    /// A server certificate for <paramref name="key"/>: issued by <paramref name="issuer"/>, or self-signed when it is
    /// null; valid for the given DNS names and IP addresses (127.0.0.1 and localhost unless told otherwise) and dates.
    /// </summary>
    public static X509Certificate2 Server(ECDsa key, X509Certificate2? issuer = null, string subject = "CN=herald-test-collector",
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string[]? dnsNames = null, IPAddress[]? addresses = null)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (string dns in dnsNames ?? ["localhost"]) names.AddDnsName(dns);
        foreach (IPAddress address in addresses ?? [IPAddress.Loopback]) names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, false));
        DateTimeOffset from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset to = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        if (issuer is null) return Usable(request.CreateSelfSigned(from, to));
        using X509Certificate2 issued = request.Create(issuer, from, to, RandomNumberGenerator.GetBytes(12));
        return Usable(issued.CopyWithPrivateKey(key));
    }

    private static CertificateRequest Request(string subject, RSA? key = null)
    {
        var request = new CertificateRequest(subject, key ?? RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        return request;
    }

    /// <summary>Through PKCS#12, so the private key is usable by SslStream on every platform.</summary>
    private static X509Certificate2 Usable(X509Certificate2 certificate)
        => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
