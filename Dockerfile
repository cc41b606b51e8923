# The .NET images are passed in (docker-compose.yml asks for them): Microsoft's .NET 10 SDK and ASP.NET Core runtime images.
ARG DOTNET_SDK_IMAGE
ARG DOTNET_RUNTIME_IMAGE
ARG NODE_IMAGE=node:20-bookworm

# The dashboard's browser libraries come from npm (Azurite, a dev dependency, runs in its own container).
FROM ${NODE_IMAGE} AS web
WORKDIR /web
COPY src/BorderWatch.Server/package.json src/BorderWatch.Server/package-lock.json src/BorderWatch.Server/.npmrc ./
RUN npm ci --omit=dev

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY . .
COPY --from=web /web/node_modules src/BorderWatch.Server/node_modules
RUN dotnet publish src/BorderWatch.Server -c Release -o /app -p:NpmInstall=false

FROM ${DOTNET_RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app .
ENV BorderWatch__Azurite__Start=false
# Not root: Microsoft's .NET images have the user "app" (APP_UID, 1654), which may read /app and write nothing there.
ARG APP_UID=1654
USER $APP_UID
ENTRYPOINT ["dotnet", "BorderWatch.Server.dll"]
