-- What change data capture needs from the Odoo database.
--
-- Replica identity: the availability and fulfillment projections retract a row's old contribution when it is
-- updated or deleted, so they need the full old row in the change event ('before'). Quants, moves, move lines
-- and orders get REPLICA IDENTITY FULL; reference tables keep the default (primary key), which is enough for
-- their consumers, who key them by id.
ALTER TABLE stock_quant REPLICA IDENTITY FULL;
ALTER TABLE stock_move REPLICA IDENTITY FULL;
ALTER TABLE stock_move_line REPLICA IDENTITY FULL;
ALTER TABLE stock_picking REPLICA IDENTITY FULL;
ALTER TABLE sale_order REPLICA IDENTITY FULL;
ALTER TABLE sale_order_line REPLICA IDENTITY FULL;

-- Capture's own tables (connect/odoo-connector.json): the heartbeat action query writes one row so that a quiet
-- database still produces WAL for the slot to confirm; the signal table takes incremental-snapshot requests.
CREATE TABLE cdcbridge_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL);
CREATE TABLE cdcbridge_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048));

-- The publication over exactly the tables the consumers read, plus capture's own two (pgoutput streams only
-- published tables).
CREATE PUBLICATION cdcbridge_odoo FOR TABLE
    stock_quant, stock_move, stock_move_line, stock_picking, stock_picking_type, stock_location, stock_warehouse,
    stock_lot, product_product, product_template, uom_uom, sale_order, sale_order_line, res_partner, res_company,
    cdcbridge_signal, cdcbridge_heartbeat;
