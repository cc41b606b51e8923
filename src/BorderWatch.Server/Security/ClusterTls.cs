using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace BorderWatch.Server.Security;

/// <summary>
/// Configuration section Orleans:Tls: mutual TLS on the silo port (silo to silo) and the gateway port (front end to
/// silo). Every member presents <see cref="Certificate"/>; a peer is let in when its certificate chains to
/// <see cref="Authority"/>, or, with no authority given, when it is the very same certificate (one certificate for
/// the whole cluster). Without a certificate the ports speak in clear and must stay inside a private network.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = "Orleans:Tls";

    /// <summary>A PFX file, or a PEM certificate with its key in <see cref="KeyFile"/>.</summary>
    public string? Certificate { get; set; }
    public string? KeyFile { get; set; }
    public string? Password { get; set; }

    /// <summary>A PEM file of the certificate authority whose certificates are members.</summary>
    public string? Authority { get; set; }
}

public static class ClusterTls
{
    public sealed record Credentials(X509Certificate2 Own, X509Certificate2? Authority);

    /// <summary>The cluster's certificates, or null when none is configured; a setting that cannot be used stops start-up.</summary>
    public static Credentials? Load(IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() ?? new();
        if (string.IsNullOrEmpty(options.Certificate)) return null;
        string PathOf(string setting, string file)
        {
            var path = Path.GetFullPath(file, contentRoot);
            return File.Exists(path) ? path : throw new SecurityConfigurationException($"{ClusterTlsOptions.Section}:{setting}: there is no file {path}.");
        }
        X509Certificate2 own;
        try
        {
            var certificate = PathOf("Certificate", options.Certificate);
            own = options.KeyFile is { Length: > 0 } key
                ? X509Certificate2.CreateFromPemFile(certificate, PathOf("KeyFile", key))
                : X509CertificateLoader.LoadPkcs12FromFile(certificate, options.Password);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new SecurityConfigurationException($"{ClusterTlsOptions.Section}:Certificate cannot be read: {e.Message}");
        }
        if (!own.HasPrivateKey) throw new SecurityConfigurationException($"{ClusterTlsOptions.Section}:Certificate has no private key (give KeyFile, or a PFX with its key).");
        var authority = options.Authority is { Length: > 0 } ca ? X509CertificateLoader.LoadCertificateFromFile(PathOf("Authority", ca)) : null;
        return new Credentials(own, authority);
    }

    /// <summary>Both ends present a certificate, and each checks the other's against the cluster's trust.</summary>
    public static void Configure(TlsOptions o, Credentials credentials)
    {
        o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        o.RemoteCertificateValidation = (remote, _, _) => IsMember(remote, credentials);
        // Members are found by address, not name: trust is the certificate's, checked above.
        o.OnAuthenticateAsClient = (_, ssl) => ssl.TargetHost = credentials.Own.GetNameInfo(X509NameType.SimpleName, false);
    }

    private static bool IsMember(X509Certificate2? remote, Credentials credentials)
    {
        if (remote is null) return false;
        if (credentials.Authority is null) return remote.RawDataMemory.Span.SequenceEqual(credentials.Own.RawDataMemory.Span);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(credentials.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }
}
