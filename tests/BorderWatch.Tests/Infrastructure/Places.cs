using BorderWatch.Geography;

namespace BorderWatch.Tests.Infrastructure;

/// <summary>Places of the real sector catalogue, for the feeds tests post.</summary>
internal static class Places
{
    public static readonly SectorCatalogue Catalogue = SectorCatalogue.Load(Paths.Catalogue);

    /// <summary>A point surely inside the sector (its interior point), as latitude and longitude.</summary>
    public static (double Lat, double Lon) Inside(string sector)
    {
        var point = Catalogue.FindSector(sector)!.Geometry.InteriorPoint;
        return (point.Y, point.X);
    }
}
