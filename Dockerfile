# The .NET images are passed in (docker-compose.yml asks for them): Microsoft's .NET 10 SDK and ASP.NET Core runtime images.
ARG DOTNET_SDK_IMAGE
ARG DOTNET_RUNTIME_IMAGE

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY . .
# Azurite runs in its own container: skip the npm install the local build does.
RUN dotnet publish src/BorderWatch.Server -c Release -o /app -p:NpmInstall=false

FROM ${DOTNET_RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app .
ENV BorderWatch__Azurite__Start=false
ENTRYPOINT ["dotnet", "BorderWatch.Server.dll"]
