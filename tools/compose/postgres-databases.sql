-- One database per service that has one (docker-compose.yml mounts this into PostgreSQL's
-- /docker-entrypoint-initdb.d: run once, on the first start of its data volume).
CREATE DATABASE identity;
CREATE DATABASE catalog;
CREATE DATABASE inventory;
CREATE DATABASE payments;
CREATE DATABASE orders;
CREATE DATABASE notifications;
CREATE DATABASE analytics;
CREATE DATABASE recommendations;
CREATE DATABASE fraud;
