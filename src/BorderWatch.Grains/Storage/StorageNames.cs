namespace BorderWatch.Grains.Storage;

public static class StorageNames
{
    /// <summary>The Orleans grain storage provider (configuration: Orleans:GrainStorage:borderwatch).</summary>
    public const string GrainState = "borderwatch";

    /// <summary>The DI key of the BlobServiceClient shared by grain storage and the journal.</summary>
    public const string BlobClient = "storage";

    public const string JournalContainer = "journal";
}
