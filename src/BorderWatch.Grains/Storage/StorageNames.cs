namespace BorderWatch.Grains.Storage;

public static class StorageNames
{
    /// <summary>The Orleans grain storage provider (grain snapshots as blobs in <see cref="GrainStateContainer"/>).</summary>
    public const string GrainState = "borderwatch";

    public const string GrainStateContainer = "grainstate";

    /// <summary>The DI key of the BlobServiceClient shared by grain storage and the journal.</summary>
    public const string BlobClient = "storage";

    public const string JournalContainer = "journal";
}
