#!/bin/sh
# Writes the 4-validator testnet once into the shared volume (keys, genesis, configs), then points each node's peers
# at the other validators' service names instead of 127.0.0.1. Node i listens on 26650+2i (p2p) and 26651+2i (rpc).
set -eu
if [ -f /testnet/node0/node.properties ]; then
  echo "testnet already initialised"; exit 0
fi
aot validator init --validators 4 --dir /testnet --chain-id "${AOT_CHAIN_ID:-aot-compose}" --base-port 26650
for n in 0 1 2 3; do
  sed -i -e 's/0@127\.0\.0\.1\\:/0@validator0\\:/' -e 's/1@127\.0\.0\.1\\:/1@validator1\\:/' \
         -e 's/2@127\.0\.0\.1\\:/2@validator2\\:/' -e 's/3@127\.0\.0\.1\\:/3@validator3\\:/' \
         /testnet/node$n/node.properties
done
echo "testnet written to /testnet"
