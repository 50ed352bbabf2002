"""recsim: offline, faster-than-real-time simulation of cloud telephony call recording."""
