package io.aot.analytics.alert;

import java.util.Map;

/** Where the 17 regions (sido) are: their administrative seats, for great-circle distances between regions. */
final class RegionGeo {

    private static final Map<String, double[]> SEATS = Map.ofEntries(
            Map.entry("SEOUL", new double[] {37.5665, 126.9780}),
            Map.entry("BUSAN", new double[] {35.1796, 129.0756}),
            Map.entry("DAEGU", new double[] {35.8714, 128.6014}),
            Map.entry("INCHEON", new double[] {37.4563, 126.7052}),
            Map.entry("GWANGJU", new double[] {35.1595, 126.8526}),
            Map.entry("DAEJEON", new double[] {36.3504, 127.3845}),
            Map.entry("ULSAN", new double[] {35.5384, 129.3114}),
            Map.entry("SEJONG", new double[] {36.4800, 127.2890}),
            Map.entry("GYEONGGI", new double[] {37.2752, 127.0095}),
            Map.entry("GANGWON", new double[] {37.8813, 127.7298}),
            Map.entry("CHUNGBUK", new double[] {36.6424, 127.4890}),
            Map.entry("CHUNGNAM", new double[] {36.6588, 126.6728}),
            Map.entry("JEONBUK", new double[] {35.8242, 127.1480}),
            Map.entry("JEONNAM", new double[] {34.8161, 126.4629}),
            Map.entry("GYEONGBUK", new double[] {36.5760, 128.5056}),
            Map.entry("GYEONGNAM", new double[] {35.2383, 128.6924}),
            Map.entry("JEJU", new double[] {33.4996, 126.5312}));

    private RegionGeo() {
    }

    /** Great-circle km between two regions' seats; NaN when either is unknown. */
    static double km(String regionA, String regionB) {
        double[] a = SEATS.get(regionA);
        double[] b = SEATS.get(regionB);
        if (a == null || b == null) {
            return Double.NaN;
        }
        double dLat = Math.toRadians(b[0] - a[0]);
        double dLon = Math.toRadians(b[1] - a[1]);
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(a[0])) * Math.cos(Math.toRadians(b[0])) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371.0 * Math.asin(Math.sqrt(h));
    }
}
