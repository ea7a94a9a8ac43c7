# The cdcbridge image for docker-compose.yml. Built on a machine with Docker and the full NuGet source.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/CdcBridge.Host/CdcBridge.Host.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# Confluent.Kafka 1.9.3 loads the system librdkafka (see README, "Kafka client and librdkafka").
RUN apt-get update && apt-get install -y --no-install-recommends librdkafka-dev curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
ENTRYPOINT ["dotnet", "/app/cdcbridge.dll"]
