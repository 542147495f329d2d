package io.aot.ledger.state;

import io.aot.ledger.money.Asset;
import io.aot.ledger.rules.Rate;
import io.aot.ledger.rules.RewardRule;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The ledger's initial state, identical on every validator: opening balances, the wallets' public keys (Ed25519, raw
 * 32 bytes), point companies with their AOT-per-point rate, the reward table, and the AOT-per-KRW and AOT-per-KLAY rates
 * in force.
 */
public record LedgerGenesis(Map<String, Map<Asset, BigInteger>> balances, Map<String, byte[]> walletKeys,
        Map<String, Rate> aotPerPoint, List<RewardRule> rewardRules, Rate aotPerKrw, Rate aotPerKlay) {
}
