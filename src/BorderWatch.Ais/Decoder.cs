namespace BorderWatch.Ais;

/// <summary>What one message decoded to; <see cref="Kind"/> says which of its parts holds it.</summary>
public readonly record struct Decoded(int Type, DecodedKind Kind, PositionReport Position, BaseStationReport BaseStation, StaticReport? Static, string? Error)
{
    public static Decoded Failed(int type, string error) => new(type, DecodedKind.Error, default, default, null, error);
}

public enum DecodedKind : byte
{
    Position,
    BaseStation,
    Static,
    /// <summary>Type 19: a position and static data in one.</summary>
    PositionAndStatic,
    /// <summary>A type this decoder does not read (counted, not failed).</summary>
    Ignored,
    Error,
}

/// <summary>
/// Decodes the bits of one complete message (ITU-R M.1371-5): types 1, 2, 3, 4, 5, 18, 19, 24 and 27. Positions
/// allocate nothing; static data allocates its record and strings.
/// </summary>
public static class Decoder
{
    private const int NoLon = 181 * 600_000, NoLat = 91 * 600_000;

    public static Decoded Decode(Payload bits)
    {
        if (bits.Bits < 38) return Decoded.Failed(-1, "payload: shorter than a message header");
        var type = (int)bits.Unsigned(0, 6);
        var mmsi = bits.Unsigned(8, 30);
        return type switch
        {
            1 or 2 or 3 => bits.Bits < 168 ? Short(type, 168) : new(type, DecodedKind.Position, ClassA(bits, type, mmsi), default, null, null),
            4 => bits.Bits < 168 ? Short(type, 168) : new(type, DecodedKind.BaseStation, default, BaseStation(bits, mmsi), null, null),
            5 => bits.Bits < 420 ? Short(type, 424) : new(type, DecodedKind.Static, default, default, Voyage(bits, mmsi), null),
            18 => bits.Bits < 168 ? Short(type, 168) : new(type, DecodedKind.Position, ClassB(bits, type, mmsi), default, null, null),
            19 => bits.Bits < 312 ? Short(type, 312) : new(type, DecodedKind.PositionAndStatic, ClassB(bits, type, mmsi), default, ExtendedClassB(bits, mmsi), null),
            24 => StaticClassB(bits, mmsi),
            27 => bits.Bits < 96 ? Short(type, 96) : new(type, DecodedKind.Position, LongRange(bits, mmsi), default, null, null),
            _ => new(type, DecodedKind.Ignored, default, default, null, null),
        };
    }

    private static Decoded Short(int type, int bits) => Decoded.Failed(type, type switch
    {
        5 => "payload: type 5 needs 424 bits",
        19 => "payload: type 19 needs 312 bits",
        27 => "payload: type 27 needs 96 bits",
        _ => "payload: this type needs 168 bits",
    });

    private static PositionReport ClassA(Payload b, int type, uint mmsi)
    {
        var status = (int)b.Unsigned(38, 4);
        var rot = b.Signed(42, 8);
        return new PositionReport(type, mmsi, AisClass.A, status == 15 ? null : status, rot == -128 ? null : rot,
            Speed(b.Unsigned(50, 10)), b.Flag(60), Lon(b.Signed(61, 28), NoLon, 600_000), Lat(b.Signed(89, 27), NoLat, 600_000),
            Course(b.Unsigned(116, 12)), Heading(b.Unsigned(128, 9)), Second(b.Unsigned(137, 6)));
    }

    private static PositionReport ClassB(Payload b, int type, uint mmsi) =>
        new(type, mmsi, AisClass.B, null, null, Speed(b.Unsigned(46, 10)), b.Flag(56),
            Lon(b.Signed(57, 28), NoLon, 600_000), Lat(b.Signed(85, 27), NoLat, 600_000),
            Course(b.Unsigned(112, 12)), Heading(b.Unsigned(124, 9)), Second(b.Unsigned(133, 6)));

    private static PositionReport LongRange(Payload b, uint mmsi)
    {
        var status = (int)b.Unsigned(40, 4);
        var speed = b.Unsigned(79, 6);
        var course = b.Unsigned(85, 9);
        return new PositionReport(27, mmsi, AisClass.A, status == 15 ? null : status, null, speed == 63 ? null : speed, b.Flag(38),
            Lon(b.Signed(44, 18), 181 * 600, 600), Lat(b.Signed(62, 17), 91 * 600, 600), course >= 360 ? null : course, null, null);
    }

    private static BaseStationReport BaseStation(Payload b, uint mmsi)
    {
        var (year, month, day) = ((int)b.Unsigned(38, 14), (int)b.Unsigned(52, 4), (int)b.Unsigned(56, 5));
        var (hour, minute, second) = ((int)b.Unsigned(61, 5), (int)b.Unsigned(66, 6), (int)b.Unsigned(72, 6));
        DateTimeOffset? time = year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60
            ? new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero) : null;
        return new BaseStationReport(mmsi, time, b.Flag(78), Lon(b.Signed(79, 28), NoLon, 600_000), Lat(b.Signed(107, 27), NoLat, 600_000));
    }

    private static StaticReport Voyage(Payload b, uint mmsi)
    {
        var imo = b.Unsigned(40, 30);
        var (month, day, hour, minute) = ((int)b.Unsigned(274, 4), (int)b.Unsigned(278, 5), (int)b.Unsigned(283, 5), (int)b.Unsigned(288, 6));
        var draught = b.Unsigned(294, 8);
        return new StaticReport(5, mmsi, AisClass.A)
        {
            Imo = imo == 0 ? null : imo, CallSign = b.Text(70, 7), Name = b.Text(112, 20), ShipType = NonZero(b.Unsigned(232, 8)),
            ToBow = NonZero(b.Unsigned(240, 9)), ToStern = NonZero(b.Unsigned(249, 9)), ToPort = NonZero(b.Unsigned(258, 6)), ToStarboard = NonZero(b.Unsigned(264, 6)),
            Eta = month == 0 && day == 0 && hour == 24 && minute == 60 ? null
                : new Eta(month == 0 ? null : month, day == 0 ? null : day, hour >= 24 ? null : hour, minute >= 60 ? null : minute),
            DraughtM = draught == 0 ? null : draught / 10.0, Destination = b.Text(302, 20),
        };
    }

    private static StaticReport ExtendedClassB(Payload b, uint mmsi) => new(19, mmsi, AisClass.B)
    {
        Name = b.Text(143, 20), ShipType = NonZero(b.Unsigned(263, 8)),
        ToBow = NonZero(b.Unsigned(271, 9)), ToStern = NonZero(b.Unsigned(280, 9)), ToPort = NonZero(b.Unsigned(289, 6)), ToStarboard = NonZero(b.Unsigned(295, 6)),
    };

    private static Decoded StaticClassB(Payload b, uint mmsi)
    {
        if (b.Bits < 40) return Decoded.Failed(24, "payload: type 24 needs its part number");
        var part = (int)b.Unsigned(38, 2);
        if (part == 0)
            return b.Bits < 160 ? Decoded.Failed(24, "payload: type 24 part A needs 160 bits")
                : new(24, DecodedKind.Static, default, default, new StaticReport(24, mmsi, AisClass.B) { Part = 0, Name = b.Text(40, 20) }, null);
        if (part != 1) return Decoded.Failed(24, "payload: type 24 part is A or B");
        if (b.Bits < 162) return Decoded.Failed(24, "payload: type 24 part B needs 168 bits");
        // An auxiliary craft (MMSI 98xxxxxxx) sends its mother ship's MMSI where others send dimensions.
        var auxiliary = mmsi / 10_000_000 == 98;
        return new(24, DecodedKind.Static, default, default, new StaticReport(24, mmsi, AisClass.B)
        {
            Part = 1, ShipType = NonZero(b.Unsigned(40, 8)), CallSign = b.Text(90, 7),
            ToBow = auxiliary ? null : NonZero(b.Unsigned(132, 9)), ToStern = auxiliary ? null : NonZero(b.Unsigned(141, 9)),
            ToPort = auxiliary ? null : NonZero(b.Unsigned(150, 6)), ToStarboard = auxiliary ? null : NonZero(b.Unsigned(156, 6)),
        }, null);
    }

    private static double? Lon(int raw, int missing, double perDegree) => raw == missing || Math.Abs(raw) > 180 * perDegree ? null : raw / perDegree;

    private static double? Lat(int raw, int missing, double perDegree) => raw == missing || Math.Abs(raw) > 90 * perDegree ? null : raw / perDegree;

    private static double? Speed(uint raw) => raw == 1023 ? null : raw / 10.0;

    private static double? Course(uint raw) => raw >= 3600 ? null : raw / 10.0;

    private static int? Heading(uint raw) => raw >= 360 ? null : (int)raw;

    private static int? Second(uint raw) => raw >= 60 ? null : (int)raw;

    private static int? NonZero(uint raw) => raw == 0 ? null : (int)raw;
}
