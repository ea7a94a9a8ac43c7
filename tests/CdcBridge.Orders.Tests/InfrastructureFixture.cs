using CdcBridge.Testing;

[assembly: AssemblyFixture(typeof(RegistryInfrastructure))]
