package io.aot.ingestion.chain;

import io.aot.avro.ChainTransfer;
import io.aot.avro.Currency;
import io.aot.avro.Money;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which of a block's events the AOT ledger cares about, as {@link ChainTransfer} records: every KIP-7 {@code Transfer}
 * event the configured token contract emitted, with its transaction's sender, fee payer and fee ratio (fee-delegated
 * types 0x09, 0x0a, 0x11, 0x12, 0x31, 0x32, ...), gas used and gas price. A pure function of the block and its
 * receipts, so a re-read block gives the same records.
 *
 * <p>Transfers are per log, the fee is per transaction (Kaia docs, Fee Delegation and Partial Fee Delegation: the fee
 * payer pays the fee, or {@code feeRatio} % of it, the sender the rest). Every record of a transaction carries the
 * transaction's fee figures, and exactly one, its first AOT Transfer log, has {@code chargesTxFee}: the ledger charges
 * the fee payer's share ({@link #feePayerSharePeb}) to the transaction's sender with that record only. A mint (from
 * 0x0) or burn (to 0x0) is published like any transfer; the ledger books it against the token's supply account.
 *
 * <p>A fee-delegated transaction that moved no AOT (a KLAY transfer whose gas someone paid) does not touch the AOT
 * ledger and is not published.
 */
public final class TransferExtractor {

    /** keccak256("Transfer(address,address,uint256)"): the KIP-7 (and ERC-20) Transfer event. */
    public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    /** The ledger keeps amounts in at most 38 digits (the Avro decimal's precision). */
    private static final BigInteger MAX_AMOUNT = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    private final long chainId;
    private final String tokenContract;

    public TransferExtractor(long chainId, String tokenContract) {
        this.chainId = chainId;
        this.tokenContract = CaverKlaytnRpc.address(tokenContract, "token contract");
    }

    public List<ChainTransfer> extract(KlaytnRpc.ChainBlock block, List<KlaytnRpc.ChainReceipt> receipts, long headBlock,
            Instant observedAt) {
        List<KlaytnRpc.ChainReceipt> ordered = new ArrayList<>(receipts);
        ordered.sort(Comparator.comparingInt(KlaytnRpc.ChainReceipt::txIndex));
        List<ChainTransfer> out = new ArrayList<>();
        for (KlaytnRpc.ChainReceipt r : ordered) {
            if (!r.blockHash().equals(block.hash())) {
                throw new ChainDataException("receipt " + r.txHash() + " names block " + r.blockHash() + ", not "
                        + block.hash());
            }
            List<KlaytnRpc.ChainLog> logs = new ArrayList<>(r.logs());
            logs.sort(Comparator.comparingInt(KlaytnRpc.ChainLog::logIndex)); // the fee rides on the lowest log index
            boolean feeCharged = false;
            for (KlaytnRpc.ChainLog log : logs) {
                if (!tokenContract.equals(log.address()) || log.topics().size() != 3
                        || !TRANSFER_TOPIC.equalsIgnoreCase(log.topics().get(0))) {
                    continue;
                }
                BigInteger amount = word(log.data(), "Transfer data");
                if (amount.compareTo(MAX_AMOUNT) > 0) {
                    throw new ChainDataException("Transfer of " + amount + " in " + r.txHash()
                            + " exceeds the ledger's 38 digits");
                }
                BigInteger fee = r.gasPricePeb().multiply(BigInteger.valueOf(r.gasUsed()));
                if (fee.compareTo(MAX_AMOUNT) > 0 || r.gasUsed() < 0) {
                    throw new ChainDataException("gas figures of " + r.txHash() + " are out of range");
                }
                BigInteger feePayerShare = feePayerSharePeb(fee, r.from(), r.feePayer(), r.feeRatioPercent());
                boolean chargesTxFee = !feeCharged;
                feeCharged = true;
                out.add(ChainTransfer.newBuilder()
                        .setTransferId(r.txHash() + ":" + log.logIndex())
                        .setTxHash(r.txHash())
                        .setLogIndex(log.logIndex())
                        .setChainId(chainId)
                        .setBlockNumber(block.number())
                        .setBlockHash(block.hash())
                        .setTxIndex(r.txIndex())
                        .setBlockTimeMillis(Instant.ofEpochSecond(block.timestampSeconds()))
                        .setTxType(r.type())
                        .setTokenContract(tokenContract)
                        .setFromAddress(topicAddress(log.topics().get(1)))
                        .setToAddress(topicAddress(log.topics().get(2)))
                        .setAmount(new Money(new BigDecimal(amount), Currency.AOT))
                        .setSender(r.from())
                        .setFeePayer(r.feePayer())
                        .setFeeRatioPercent(r.feePayer() == null ? null : r.feeRatioPercent())
                        .setGasUsed(r.gasUsed())
                        .setGasPricePeb(new BigDecimal(r.gasPricePeb()))
                        .setFeeKlay(new Money(new BigDecimal(fee), Currency.KLAY))
                        .setSucceeded(r.succeeded())
                        .setConfirmations((int) Math.min(Integer.MAX_VALUE, Math.max(0, headBlock - block.number())))
                        .setObservedAtMillis(observedAt)
                        .setSenderTxHash(r.feePayer() == null ? null : r.senderTxHash())
                        .setFeePayerShareKlay(feePayerShare == null ? null
                                : new Money(new BigDecimal(feePayerShare), Currency.KLAY))
                        .setChargesTxFee(chargesTxFee)
                        .build());
            }
        }
        return out;
    }

    /**
     * The fee payer's share of a transaction's fee (peb), or null when there is no separate fee payer (none, or the
     * sender is its own fee payer). Kaia's {@code CalcFeeWithRatio}: feePayer = fee x feeRatio / 100, rounded down;
     * the sender pays the remainder. Without a ratio (full delegation) the fee payer pays it all.
     */
    static BigInteger feePayerSharePeb(BigInteger feePeb, String sender, String feePayer, Integer feeRatioPercent) {
        if (feePayer == null || feePayer.equalsIgnoreCase(sender)) {
            return null;
        }
        return feeRatioPercent == null ? feePeb
                : feePeb.multiply(BigInteger.valueOf(feeRatioPercent)).divide(BigInteger.valueOf(100));
    }

    private static BigInteger word(String hex, String field) {
        if (hex == null || !hex.matches("0x[0-9a-fA-F]{64}")) {
            throw new ChainDataException(field + " is not one 32-byte word: " + hex);
        }
        return new BigInteger(hex.substring(2), 16);
    }

    private static String topicAddress(String topic) {
        if (topic == null || !topic.matches("0x0{24}[0-9a-fA-F]{40}")) {
            throw new ChainDataException("Transfer topic is not an address: " + topic);
        }
        return "0x" + topic.substring(26).toLowerCase();
    }
}
