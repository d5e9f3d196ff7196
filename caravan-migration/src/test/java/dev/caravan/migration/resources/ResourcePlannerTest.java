package dev.caravan.migration.resources;

import dev.caravan.wire.node.ResourceProtocol;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.process.ResourceBinding.Action;
import dev.caravan.core.process.ResourceBinding.Attachment;
import dev.caravan.core.process.ResourceBinding.Binding;
import dev.caravan.migration.resources.ResourcePlanner.Decision;
import dev.caravan.migration.resources.ResourcePlanner.Facts;
import dev.caravan.migration.resources.ResourceUri.Kind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourcePlannerTest {
    private static final long MAX = ResourceTransfer.MAX_PAYLOAD_BYTES;

    private static Facts facts(Kind kind, long size) {
        return new Facts(kind, size, true, MAX, ResourceProtocol.MAX_TOTAL_PAYLOAD_BYTES, true, false);
    }

    private static Facts draining(Facts f) {
        return new Facts(f.kind(), f.sizeBytes(), f.presentHere(), f.maxPayloadBytes(), f.budgetBytes(), false, f.cloning());
    }

    private static Decision plan(Binding b, Attachment a, Facts f) {
        return ResourcePlanner.plan("r", b, a, f);
    }

    @ParameterizedTest(name = "{0} x {1} of a {2} -> {3} (else {4})")
    @CsvSource(nullValues = "none", value = {
        "BY_IDENTIFIER, UNATTACHED, FILE,   MOVE,             none",
        "BY_IDENTIFIER, FASTENED,   FILE,   GLOBAL_REFERENCE, none",
        "BY_IDENTIFIER, FIXED,      TCP,    GLOBAL_REFERENCE, none",
        "BY_VALUE,      UNATTACHED, FILE,   COPY,             none",
        "BY_VALUE,      FASTENED,   FILE,   GLOBAL_REFERENCE, none",
        "BY_VALUE,      FIXED,      DEVICE, GLOBAL_REFERENCE, none",
        "BY_TYPE,       UNATTACHED, LIB,    REBIND,           GLOBAL_REFERENCE",
        "BY_TYPE,       FASTENED,   DEVICE, REBIND,           GLOBAL_REFERENCE",
        "BY_TYPE,       FIXED,      DEVICE, REBIND,           GLOBAL_REFERENCE",
    })
    void shouldChooseThePreferredActionOfEveryCell(Binding b, Attachment a, Kind kind, Action action, Action fallback) {
        Decision d = plan(b, a, facts(kind, kind == Kind.DEVICE || kind == Kind.TCP ? -1 : 100));
        assertThat(d).isEqualTo(new Decision(action, fallback));
        assertThat(action).isEqualTo(new ResourceBinding("r", b, a, "file:/x").preferredAction());
    }

    @Test
    void shouldListEachCellsPreferredActionFirstAsTheCoreRecordDoes() {
        for (Binding b : Binding.values()) {
            for (Attachment a : Attachment.values()) {
                assertThat(ResourcePlanner.candidates(b, a).getFirst())
                        .isEqualTo(new ResourceBinding("r", b, a, "file:/x").preferredAction());
            }
        }
    }

    @Test
    void shouldReferenceAFileTooLargeToMove() {
        assertThat(plan(Binding.BY_IDENTIFIER, Attachment.UNATTACHED, facts(Kind.FILE, MAX + 1)).action())
                .isEqualTo(Action.GLOBAL_REFERENCE);
    }

    @Test
    void shouldReferenceAFileThatNoLongerFitsTheMigrationsBudget() {
        Facts f = new Facts(Kind.FILE, 1000, true, MAX, 999, true, false);
        assertThat(plan(Binding.BY_IDENTIFIER, Attachment.UNATTACHED, f).action()).isEqualTo(Action.GLOBAL_REFERENCE);
    }

    @Test
    void shouldReferenceRatherThanMoveWhenCloning() {
        Facts f = new Facts(Kind.FILE, 10, true, MAX, MAX, true, true);
        assertThat(plan(Binding.BY_IDENTIFIER, Attachment.UNATTACHED, f).action()).isEqualTo(Action.GLOBAL_REFERENCE);
        assertThat(plan(Binding.BY_VALUE, Attachment.UNATTACHED, f).action()).isEqualTo(Action.COPY);
    }

    @Test
    void shouldMoveAFastenedFileWhenTheSourceCannotServeReferences() {
        assertThat(plan(Binding.BY_IDENTIFIER, Attachment.FASTENED, draining(facts(Kind.FILE, 10))).action())
                .isEqualTo(Action.MOVE);
    }

    @Test
    void shouldCopyAFastenedValueWhenTheSourceCannotServeReferences() {
        assertThat(plan(Binding.BY_VALUE, Attachment.FASTENED, draining(facts(Kind.FILE, 10))).action())
                .isEqualTo(Action.COPY);
    }

    @Test
    void shouldReferenceAValueTooLargeToCopyOrMove() {
        assertThat(plan(Binding.BY_VALUE, Attachment.UNATTACHED, facts(Kind.FILE, MAX + 1)).action())
                .isEqualTo(Action.GLOBAL_REFERENCE);
    }

    @Test
    void shouldReferenceOrCopyATypedFileThatHasNoTypeToRebindTo() {
        assertThat(plan(Binding.BY_TYPE, Attachment.UNATTACHED, facts(Kind.FILE, 10)))
                .isEqualTo(new Decision(Action.GLOBAL_REFERENCE, null));
        assertThat(plan(Binding.BY_TYPE, Attachment.FASTENED, draining(facts(Kind.FILE, 10))))
                .isEqualTo(new Decision(Action.COPY, null));
        assertThat(plan(Binding.BY_TYPE, Attachment.FIXED, facts(Kind.TCP, -1)))
                .isEqualTo(new Decision(Action.GLOBAL_REFERENCE, null));
    }

    @Test
    void shouldFallBackToCopyingATypedLibraryWhenTheSourceIsDraining() {
        assertThat(plan(Binding.BY_TYPE, Attachment.UNATTACHED, draining(facts(Kind.LIB, 10))))
                .isEqualTo(new Decision(Action.REBIND, Action.COPY));
    }

    @Test
    void shouldRebindAFixedDeviceWithoutFallbackWhenTheSourceIsDraining() {
        assertThat(plan(Binding.BY_TYPE, Attachment.FIXED, draining(facts(Kind.DEVICE, -1))))
                .isEqualTo(new Decision(Action.REBIND, null));
    }

    @Test
    void shouldRefuseWhenNoActionOfTheCellIsPossible() {
        Facts absentDevice = new Facts(Kind.DEVICE, -1, false, MAX, MAX, true, false);
        assertThatThrownBy(() -> plan(Binding.BY_VALUE, Attachment.FIXED, absentDevice))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> plan(Binding.BY_IDENTIFIER, Attachment.FASTENED, draining(facts(Kind.FILE, MAX + 1))))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void shouldRebindAtTheDestinationOnlyWhenItHasTheType() {
        assertThat(ResourcePlanner.resolveRebind("p", "device:printer", Action.GLOBAL_REFERENCE, true, "b"))
                .isEqualTo(Action.REBIND);
        assertThat(ResourcePlanner.resolveRebind("p", "device:printer", Action.GLOBAL_REFERENCE, false, "b"))
                .isEqualTo(Action.GLOBAL_REFERENCE);
        assertThatThrownBy(() -> ResourcePlanner.resolveRebind("p", "device:printer", null, false, "b"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
