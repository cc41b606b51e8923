using BorderWatch.Geography;
using BorderWatch.Tests.Infrastructure;

namespace BorderWatch.Tests.Unit;

public sealed class GreatCircleTests
{
    [Fact]
    public void Distances_and_bearings_are_those_of_the_sphere()
    {
        Assert.Equal(343.6, GreatCircle.Km(51.5074, -0.1278, 48.8566, 2.3522), 1);   // London to Paris
        Assert.Equal(111.19, GreatCircle.Km(0, 0, 1, 0), 2);                          // a degree of latitude
        Assert.Equal((90.0, 0.0, 180.0, 270.0), (GreatCircle.Bearing(0, 0, 0, 1), GreatCircle.Bearing(0, 0, 1, 0),
            GreatCircle.Bearing(1, 0, 0, 0), GreatCircle.Bearing(0, 1, 0, 0)));
    }

    [Fact]
    public void A_point_inside_a_sector_is_at_zero_and_one_outside_at_its_distance_to_the_nearest_edge()
    {
        var lampedusa = SectorCatalogue.Load(Paths.Catalogue).FindSector("lampedusa")!;
        var inside = lampedusa.Geometry.InteriorPoint;
        Assert.Equal(0, GreatCircle.KmTo(lampedusa, inside.Y, inside.X));
        // Due north of the sector's northernmost point by one degree: 111 km, give or take the edge's slope.
        var top = lampedusa.Geometry.Coordinates.MaxBy(c => c.Y)!;
        Assert.InRange(GreatCircle.KmTo(lampedusa, top.Y + 1, top.X), 100, 111.3);
    }
}
