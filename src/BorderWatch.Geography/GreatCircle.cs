using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Distance;

namespace BorderWatch.Geography;

/// <summary>Distances and bearings on a sphere of the Earth's mean radius (haversine): within 0.5 % of the ellipsoid, enough to send a patrol.</summary>
public static class GreatCircle
{
    public const double EarthKm = 6371.0;
    public const double KmPerNauticalMile = 1.852;

    public static double Km(double lat1, double lon1, double lat2, double lon2)
    {
        var dLat = Radians(lat2 - lat1);
        var dLon = Radians(lon2 - lon1);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>The initial course from the first point to the second, degrees from north, 0-360.</summary>
    public static double Bearing(double lat1, double lon1, double lat2, double lon2)
    {
        var y = Math.Sin(Radians(lon2 - lon1)) * Math.Cos(Radians(lat2));
        var x = Math.Cos(Radians(lat1)) * Math.Sin(Radians(lat2)) - Math.Sin(Radians(lat1)) * Math.Cos(Radians(lat2)) * Math.Cos(Radians(lon2 - lon1));
        return (Math.Atan2(y, x) * 180 / Math.PI + 360) % 360;
    }

    /// <summary>
    /// How far a point is from a sector: 0 inside it, else the great-circle distance to the sector's nearest point
    /// (found in degrees, which for tens of km picks the same point as on the sphere).
    /// </summary>
    public static double KmTo(Sector sector, double lat, double lon)
    {
        var point = new Point(lon, lat);
        if (sector.Prepared.Covers(point)) return 0;
        var nearest = DistanceOp.NearestPoints(sector.Geometry, point)[0];
        return Km(lat, lon, nearest.Y, nearest.X);
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
