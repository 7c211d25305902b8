namespace Gateway.Server.Endpoints.WebPage;

/// <summary>The page's files, embedded in the binary (src/Gateway.Server/WebPage, LogicalName <c>webpage/&lt;name&gt;</c>).</summary>
/// <remarks>Each file is read and compressed on its first request, not at start-up, which stays as fast without the page.</remarks>
internal sealed class WebAssets
{
    private const string ResourcePrefix = "webpage/";

    private readonly Dictionary<string, Lazy<WebAsset>> _assets;

    private WebAssets(Dictionary<string, Lazy<WebAsset>> assets) => _assets = assets;

    public static WebAssets Embedded { get; } = Load();

    public WebAsset? Find(string name) => _assets.TryGetValue(name, out var asset) ? asset.Value : null;

    private static WebAssets Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Lazy<WebAsset>>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                var name = resource[ResourcePrefix.Length..];
                assets[name] = new Lazy<WebAsset>(() => WebAsset.Create(name, Read(resource)));
            }
        }
        return new WebAssets(assets);
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(WebAssets).Assembly.GetManifestResourceStream(resource)!;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
