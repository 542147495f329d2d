package io.aot.ingestion.simulator;

import io.aot.avro.MerchantCategory;
import io.aot.avro.PaymentMethod;
import io.aot.avro.Region;
import io.aot.avro.WalletProvider;
import java.util.SplittableRandom;

/**
 * The shape of the Korean card and wallet market the simulator draws from. Shares are rough public figures (regions by
 * population, categories by card-spend share, methods by the Bank of Korea's payment surveys: IC cards dominate, phone
 * wallets and QR app-to-app payments grow); they make the data look real, they are not statistics to quote.
 */
final class MarketModel {

    /** Regions (sido) weighted by population, per mille. */
    static final Region[] REGIONS = {Region.SEOUL, Region.BUSAN, Region.DAEGU, Region.INCHEON, Region.GWANGJU,
        Region.DAEJEON, Region.ULSAN, Region.SEJONG, Region.GYEONGGI, Region.GANGWON, Region.CHUNGBUK, Region.CHUNGNAM,
        Region.JEONBUK, Region.JEONNAM, Region.GYEONGBUK, Region.GYEONGNAM, Region.JEJU};
    static final int[] REGION_WEIGHTS = {182, 64, 46, 58, 28, 28, 21, 8, 264, 29, 31, 41, 34, 35, 50, 63, 13};

    static final MerchantCategory[] CATEGORIES = {MerchantCategory.CAFE, MerchantCategory.CONVENIENCE_STORE,
        MerchantCategory.RESTAURANT, MerchantCategory.BAR, MerchantCategory.BAKERY, MerchantCategory.FUEL,
        MerchantCategory.GROCERY, MerchantCategory.DEPARTMENT_STORE, MerchantCategory.APPAREL, MerchantCategory.BEAUTY,
        MerchantCategory.PHARMACY, MerchantCategory.HOSPITAL, MerchantCategory.EDUCATION, MerchantCategory.ENTERTAINMENT,
        MerchantCategory.TRANSPORT, MerchantCategory.LODGING, MerchantCategory.ELECTRONICS, MerchantCategory.ONLINE};
    static final int[] CATEGORY_WEIGHTS = {14, 16, 18, 4, 4, 6, 9, 3, 4, 3, 3, 3, 2, 2, 3, 1, 1, 4};
    /** Median ticket in KRW and log-normal sigma, per category (same order). */
    static final long[] MEDIAN_TICKET_KRW = {5_500, 6_000, 13_000, 32_000, 7_000, 55_000, 28_000, 85_000, 60_000,
        40_000, 12_000, 18_000, 150_000, 25_000, 3_000, 110_000, 250_000, 35_000};
    static final double[] TICKET_SIGMA = {0.35, 0.6, 0.5, 0.6, 0.4, 0.35, 0.7, 0.8, 0.7, 0.6, 0.6, 0.7, 0.6, 0.6, 0.5,
        0.5, 0.8, 0.9};

    static final String[] ACQUIRERS = {"SHINHAN", "KB", "SAMSUNG", "HYUNDAI", "LOTTE", "WOORI", "HANA", "BC", "NH"};
    static final int[] ACQUIRER_WEIGHTS = {21, 17, 17, 15, 10, 6, 5, 5, 4};

    /** Payment channel shares, per mille. */
    enum Channel { IC_CHIP, MAGSTRIPE, NFC_CARD, PHONE_WALLET, QR, BARCODE, AOT_COIN }

    static final int[] CHANNEL_WEIGHTS = {470, 15, 50, 200, 130, 100, 35};
    static final WalletProvider[] PHONE_WALLETS = {WalletProvider.SAMSUNG_PAY, WalletProvider.APPLE_PAY,
        WalletProvider.GOOGLE_PAY};
    static final int[] PHONE_WALLET_WEIGHTS = {80, 18, 2};
    static final WalletProvider[] APP_WALLETS = {WalletProvider.KAKAO_PAY, WalletProvider.NAVER_PAY,
        WalletProvider.TOSS_PAY, WalletProvider.ZERO_PAY, WalletProvider.PAYCO, WalletProvider.SSG_PAY,
        WalletProvider.ALIPAY, WalletProvider.WECHAT_PAY, WalletProvider.UNION_PAY};
    static final int[] APP_WALLET_WEIGHTS = {33, 27, 14, 8, 6, 4, 4, 3, 1};

    /** Relative traffic per hour of the day (Asia/Seoul): quiet nights, a lunch peak, an evening peak. */
    static final int[] HOURLY_WEIGHTS = {12, 7, 4, 3, 3, 5, 12, 25, 40, 45, 50, 70, 100, 80, 60, 55, 58, 70, 95, 90,
        70, 50, 35, 20};

    static final String[] POINT_COMPANIES = {"OKCASHBAG", "LPOINT", "CJONE", "HAPPYPOINT"};

    private MarketModel() {
    }

    static int weighted(SplittableRandom r, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = r.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** A ticket in KRW: log-normal around the category's median, rounded to 100 won as Korean prices are. */
    static long ticketKrw(SplittableRandom r, int categoryIndex) {
        double gaussian = gaussian(r);
        double krw = MEDIAN_TICKET_KRW[categoryIndex] * StrictMath.exp(TICKET_SIGMA[categoryIndex] * gaussian);
        return Math.max(100, Math.round(krw / 100.0) * 100);
    }

    /** Box-Muller on the seeded generator with StrictMath: the same numbers on every JVM and CPU. */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
    }

    static PaymentMethod method(Channel c) {
        return switch (c) {
            case IC_CHIP -> PaymentMethod.IC_CHIP;
            case MAGSTRIPE -> PaymentMethod.MAGSTRIPE;
            case NFC_CARD -> PaymentMethod.NFC_CARD;
            case PHONE_WALLET -> PaymentMethod.NFC_PHONE_WALLET;
            case QR -> PaymentMethod.QR_APP_TO_APP;
            case BARCODE -> PaymentMethod.BARCODE_APP_TO_APP;
            case AOT_COIN -> PaymentMethod.AOT_COIN;
        };
    }
}
