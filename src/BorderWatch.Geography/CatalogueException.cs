namespace BorderWatch.Geography;

/// <summary>A sector catalogue that cannot be used; the message names the file and the feature.</summary>
public sealed class CatalogueException(string message) : Exception(message);
