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

    public static string Sha256Hex(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

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
