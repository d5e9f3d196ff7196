package dev.caravan.naming;

/** The naming contract on the embedded service; its clock is advanced by hand to expire a lease. */
class LocalNamingServiceContractTest extends NamingServiceContract {
    private final ManualClock clock = new ManualClock();

    @Override
    protected NamingService newService() {
        return new LocalNamingService(clock);
    }

    @Override
    protected void expire(Lease lease) {
        clock.advanceMs(lease.ttlMs());
        ((LocalNamingService) naming).expireLeases();
    }
}
