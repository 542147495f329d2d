package io.aot.analytics.model;

import io.aot.avro.CommittedTransaction;
import io.aot.avro.Posting;
import io.aot.avro.PostingSide;
import io.aot.ledger.privacy.CustomerPseudonyms;
import io.aot.ledger.state.Accounts;
import java.math.BigInteger;

/** {@link CommittedTransaction} -> {@link MarketEvent}: the one place the analytics read the ledger's record. */
public final class MarketEvents {

    private static final String FEE_PAYER_PREFIX = Accounts.feePayer("");

    private MarketEvents() {
    }

    public static MarketEvent from(CommittedTransaction t, CustomerPseudonyms pseudonyms) {
        MarketEvent e = new MarketEvent();
        e.txId = t.getTxId();
        e.kind = t.getKind().name();
        e.resultCode = t.getResultCode();
        e.eventTimeMillis = t.getEventTimeMillis().toEpochMilli();
        e.height = t.getHeight();
        e.merchantId = t.getMerchantId();
        e.merchantCategory = t.getMerchantCategory().name();
        e.region = t.getRegion().name();
        e.acquirerId = t.getAcquirerId();
        e.terminalId = t.getTerminalId();
        e.method = t.getMethod().name();
        e.walletProvider = t.getWalletProvider().name();
        e.currency = t.getAmount().getCurrency().name();
        e.amountMinor = t.getAmount().getAmountMinor().toBigIntegerExact();
        e.customer = pseudonyms.of(t.getCustomerToken() != null ? t.getCustomerToken() : t.getCustomerWallet());
        e.pointCompanyId = t.getPointCompanyId();
        // Postings come in pairs per ledger transfer: the debit of the receiving account, then the credit of the giver.
        java.util.List<Posting> legs = t.getPostings();
        for (int i = 0; i + 1 < legs.size(); i += 2) {
            Posting to = legs.get(i);
            Posting from = legs.get(i + 1);
            if (to.getSide() != PostingSide.DEBIT || !"AOT".equals(to.getAmount().getCurrency().name())) {
                continue;
            }
            BigInteger aot = to.getAmount().getAmountMinor().toBigIntegerExact();
            if (from.getAccount().equals(Accounts.REWARD_POOL)) {
                e.rewardAotMinor = e.rewardAotMinor.add(aot);
            } else if (to.getAccount().startsWith(FEE_PAYER_PREFIX)) {
                e.feeAotMinor = e.feeAotMinor.add(aot);
            } else if (t.getPointCompanyId() != null && from.getAccount().equals(Accounts.pointsReserve(t.getPointCompanyId()))) {
                e.swapAotMinor = e.swapAotMinor.add(aot);
            }
        }
        return e;
    }
}
