using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// How network transports decide to trust a server certificate, and why they refused one: the system store and
/// host name by default; the roots of a PEM bundle (<c>tls_ca_file</c>) and the host name; or one pinned public key
/// (<c>tls_pin_sha256</c>, for self-signed collectors), with the certificate's validity dates still checked.
/// There is deliberately no accept-all.
/// </summary>
/// <remarks>
/// <see cref="Validate"/> runs inside the TLS handshake. When it refuses, it keeps the cause in words; the handshake
/// then fails with an <see cref="AuthenticationException"/> that only says the callback refused, and the transport
/// asks <see cref="Explain"/> for the cause. Sends of one transport are serialized, so one slot is enough: the
/// transport calls <see cref="Forget"/> before it opens a connection, so a cause never outlives its handshake.
/// </remarks>
internal sealed class CertificateTrust
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string SubjectAlternativeName = "2.5.29.17";
    private readonly X509Certificate2Collection? _roots;
    private readonly PublicKeyPin? _pin;
    private string? _refusal;

    private CertificateTrust(X509Certificate2Collection? roots, PublicKeyPin? pin)
    {
        _roots = roots;
        _pin = pin;
    }

    /// <summary>The trust the options ask for.</summary>
    /// <exception cref="ConfigValueException">The CA file cannot be read or holds no certificate.</exception>
    /// <exception cref="ArgumentException">The pin is neither 64 hex digits nor <c>sha256//</c> base64.</exception>
    public static CertificateTrust From(TransportOptions options)
    {
        X509Certificate2Collection? roots = null;
        if (options.TlsCaFile is { Length: > 0 } caFile)
        {
            roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(caFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ConfigValueException(TelemetryConfigRules.TlsCaFile, caFile, $"the CA file cannot be read: {ex.Message}", ex);
            }
            if (roots.Count == 0) throw new ConfigValueException(TelemetryConfigRules.TlsCaFile, caFile, "the CA file holds no certificate");
        }
        return new CertificateTrust(roots, options.TlsPinSha256 is { Length: > 0 } pin ? ParsePin(pin) : null);
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>: accepts or refuses, and keeps the cause of a refusal.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        string? refusal;
        try
        {
            refusal = Refusal(sender, certificate, chain, errors, DateTime.UtcNow);
        }
        catch (CryptographicException ex)
        {
            refusal = "the certificate could not be read: " + ex.Message;
        }
        Volatile.Write(ref _refusal, refusal);
        return refusal is null;
    }

    /// <summary>Forgets the cause of an earlier refusal: called before a new connection's handshake.</summary>
    public void Forget() => Volatile.Write(ref _refusal, null);

    /// <summary>
    /// The cause of a refused server certificate, in words, when <paramref name="failure"/> (or an exception inside it)
    /// is the handshake failure that followed a refusal by <see cref="Validate"/>; otherwise null.
    /// </summary>
    public string? Explain(Exception failure, string peer)
    {
        for (Exception? ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is AuthenticationException && Interlocked.Exchange(ref _refusal, null) is { } refusal)
                return $"TLS handshake with {peer} failed: {refusal}";
        }
        return null;
    }

    private string? Refusal(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, DateTime now)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return "no certificate: the server presented none";
        X509Certificate2? owned = certificate is X509Certificate2 ? null : new X509Certificate2(certificate);
        X509Certificate2 leaf = owned ?? (X509Certificate2)certificate;
        try
        {
            var causes = new List<string>(2);
            if (_pin is not null)
            {
                // A pin replaces the name and the chain (a self-signed collector has neither), never the dates.
                byte[] presented = SHA256.HashData(leaf.PublicKey.ExportSubjectPublicKeyInfo());
                if (!CryptographicOperations.FixedTimeEquals(presented, _pin.Hash)) causes.Add(PinMismatch(_pin, presented, leaf));
                AddValidity(causes, leaf, now);
            }
            else
            {
                if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) causes.Add(NameMismatch(sender, leaf));
                if (_roots is null)
                {
                    if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0) AddChain(causes, chain, "the system trust store", leaf, now);
                }
                else
                {
                    using var custom = new X509Chain();
                    custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
                    if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // intermediates the server sent
                    custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    custom.ChainPolicy.DisableCertificateDownloads = true;
                    custom.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
                    custom.ChainPolicy.VerificationTime = now.ToLocalTime();
                    try
                    {
                        if (!custom.Build(leaf)) AddChain(causes, custom, TelemetryConfigRules.TlsCaFile.Name, leaf, now);
                    }
                    finally
                    {
                        foreach (X509ChainElement element in custom.ChainElements)
                            if (!ReferenceEquals(element.Certificate, leaf)) element.Certificate.Dispose();
                    }
                }
                if (causes.Count == 0 && errors != SslPolicyErrors.None && _roots is null)
                    causes.Add("refused by the platform's validation: " + errors.ToString());
            }
            return causes.Count == 0 ? null : $"server certificate '{leaf.Subject}' refused: {string.Join("; ", causes)}";
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static string PinMismatch(PublicKeyPin pin, byte[] presented, X509Certificate2 leaf)
    {
        string key = TelemetryConfigRules.TlsPinSha256.Name;
        string cause = $"pin mismatch: {key} is {pin.Configured} but the certificate's public key is {pin.Format(presented)}";
        byte[] whole = SHA256.HashData(leaf.RawData);
        if (CryptographicOperations.FixedTimeEquals(whole, pin.Hash))
            cause += $" (the pin is the SHA-256 of the whole certificate; {key} takes the SHA-256 of its public key, which survives renewal)";
        return cause;
    }

    /// <summary>The leaf's own validity dates: expired, or not valid yet.</summary>
    private static void AddValidity(List<string> causes, X509Certificate2 leaf, DateTime now)
    {
        DateTime notAfter = leaf.NotAfter.ToUniversalTime();
        DateTime notBefore = leaf.NotBefore.ToUniversalTime();
        if (now > notAfter) causes.Add($"expired: not valid after {Date(notAfter)} (now {Date(now)})");
        else if (now < notBefore) causes.Add($"not yet valid: not valid before {Date(notBefore)} (now {Date(now)})");
    }

    /// <summary>What is wrong with a chain that did not build: the leaf's dates, an issuer's dates, the end of the chain.</summary>
    private static void AddChain(List<string> causes, X509Chain? chain, string trusted, X509Certificate2 leaf, DateTime now)
    {
        int before = causes.Count;
        AddValidity(causes, leaf, now);
        if (chain is null)
        {
            causes.Add("untrusted root: no chain could be built to " + trusted);
            return;
        }
        X509ChainStatusFlags all = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus status in chain.ChainStatus) all |= status.Status;
        X509ChainElementCollection elements = chain.ChainElements;
        for (int i = 1; i < elements.Count; i++)
        {
            X509Certificate2 issuer = elements[i].Certificate;
            DateTime notAfter = issuer.NotAfter.ToUniversalTime();
            DateTime notBefore = issuer.NotBefore.ToUniversalTime();
            if (now > notAfter) causes.Add($"expired: issuer '{issuer.Subject}' not valid after {Date(notAfter)} (now {Date(now)})");
            else if (now < notBefore) causes.Add($"not yet valid: issuer '{issuer.Subject}' not valid before {Date(notBefore)} (now {Date(now)})");
        }
        X509Certificate2? last = elements.Count > 0 ? elements[elements.Count - 1].Certificate : null;
        if ((all & X509ChainStatusFlags.PartialChain) != 0)
        {
            string issuer = last?.Issuer ?? leaf.Issuer;
            causes.Add($"untrusted root (incomplete chain): the issuer '{issuer}' is neither in {trusted} nor among the certificates the server sent");
        }
        else if ((all & X509ChainStatusFlags.UntrustedRoot) != 0)
        {
            string root = last?.Subject ?? leaf.Subject;
            bool selfSigned = elements.Count <= 1;
            causes.Add(selfSigned
                ? $"untrusted root: the certificate is self-signed and not in {trusted}"
                : $"untrusted root: the chain ends at '{root}', which is not in {trusted}");
        }
        const X509ChainStatusFlags Described = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
        var other = new StringBuilder();
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            if ((status.Status & ~Described) == 0) continue;
            if (other.Length > 0) other.Append(", ");
            other.Append(status.Status.ToString()).Append(" (").Append(status.StatusInformation.Trim()).Append(')');
        }
        if (other.Length > 0) causes.Add("chain error: " + other);
        if (causes.Count == before) causes.Add($"untrusted chain: {all} (against {trusted})");
    }

    private static string NameMismatch(object sender, X509Certificate2 leaf)
    {
        string expected = sender is SslStream { TargetHostName: { Length: > 0 } host } ? host : "(the endpoint's host)";
        return $"name mismatch: expected '{expected}' but the certificate holds {Names(leaf)}";
    }

    /// <summary>The names a certificate is valid for, as <c>openssl x509 -text</c> prints them (<c>DNS:a, IP Address:127.0.0.1</c>).</summary>
    internal static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeName) continue;
            var san = extension as X509SubjectAlternativeNameExtension ?? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
            foreach (string dns in san.EnumerateDnsNames()) names.Add("DNS:" + dns);
            foreach (System.Net.IPAddress ip in san.EnumerateIPAddresses()) names.Add("IP Address:" + ip);
        }
        if (names.Count > 0) return string.Join(", ", names);
        string common = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return common.Length > 0 ? $"no subjectAltName, only CN={common}" : "no name at all";
    }

    private static string Date(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The SHA-256 of the DER SubjectPublicKeyInfo, as <c>curl --pinnedpubkey</c> takes it: 64 hex digits (colons
    /// allowed: <c>AB:CD:...</c>) or <c>sha256//</c> and 44 characters of base64.
    /// </summary>
    /// <exception cref="ArgumentException">Neither form, or not 32 bytes.</exception>
    internal static PublicKeyPin ParsePin(string pin)
    {
        string text = pin.Trim();
        const string Prefix = "sha256//";
        if (text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var hash = new byte[32];
            if (!Convert.TryFromBase64String(text.Substring(Prefix.Length), hash, out int written) || written != 32)
                throw new ArgumentException($"{TelemetryConfigRules.TlsPinSha256.Name} in the sha256//BASE64 form must hold the 32 bytes of a SHA-256 in base64 (44 characters).", nameof(pin));
            return new PublicKeyPin(hash, text, Base64: true, Colons: false, Upper: false);
        }
        string hex = text.Replace(":", "", StringComparison.Ordinal);
        if (hex.Length != 64 || !IsHex(hex))
            throw new ArgumentException($"{TelemetryConfigRules.TlsPinSha256.Name} {ConfigText.CheckForm(ConfigTextForm.PublicKeyPin, text)}", nameof(pin));
        bool upper = false;
        foreach (char c in hex) upper |= c is >= 'A' and <= 'F';
        return new PublicKeyPin(Convert.FromHexString(hex), text, Base64: false, Colons: text.Contains(':', StringComparison.Ordinal), Upper: upper);
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    /// <summary>A parsed <c>tls_pin_sha256</c>, and how it was written (to print a presented key's pin the same way).</summary>
    internal sealed record PublicKeyPin(byte[] Hash, string Configured, bool Base64, bool Colons, bool Upper)
    {
        public string Format(byte[] hash)
        {
            if (Base64) return "sha256//" + Convert.ToBase64String(hash);
#if NET9_0_OR_GREATER
            string hex = Upper ? Convert.ToHexString(hash) : Convert.ToHexStringLower(hash);
#else
            string hex = Upper ? Convert.ToHexString(hash) : Convert.ToHexString(hash).ToLowerInvariant(); // no ToHexStringLower before .NET 9
#endif
            if (!Colons) return hex;
            var text = new StringBuilder(hex.Length * 3 / 2);
            for (int i = 0; i < hex.Length; i += 2)
            {
                if (i > 0) text.Append(':');
                text.Append(hex, i, 2);
            }
            return text.ToString();
        }
    }
}
