package io.aot.schemas.registry;

import io.aot.avro.ChainFollowerPosition;
import io.aot.avro.ChainTransfer;
import io.aot.avro.CommittedTransaction;
import io.aot.avro.MarketAlert;
import io.aot.avro.MerchantSalesAggregate;
import io.aot.avro.OptOut;
import io.aot.avro.Rejection;
import io.aot.avro.SegmentMembershipChange;
import io.aot.avro.TerminalPayment;
import java.util.List;
import org.apache.avro.Schema;

/** Every top-level record the platform writes to Kafka. Each one has a release history and a compatibility check. */
public final class SchemaCatalog {

    private SchemaCatalog() {
    }

    public static List<Schema> records() {
        return List.of(
                TerminalPayment.getClassSchema(),
                ChainTransfer.getClassSchema(),
                ChainFollowerPosition.getClassSchema(),
                Rejection.getClassSchema(),
                CommittedTransaction.getClassSchema(),
                SegmentMembershipChange.getClassSchema(),
                OptOut.getClassSchema(),
                MarketAlert.getClassSchema(),
                MerchantSalesAggregate.getClassSchema());
    }
}
