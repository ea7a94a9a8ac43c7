-- Sale taxes of Odoo 17.0 (module account), as the ORM creates them; same rules as 01-odoo17-schema.sql.
-- Source: odoo/odoo 17.0 addons/account/models/account_tax.py (account.tax), addons/account/models/product.py
-- (product.template.taxes_id), addons/sale/models/sale_order_line.py (sale.order.line.tax_id), and odoo/fields.py
-- (Many2many: relation table "<sorted tables>_rel(<model table>_id, <comodel table>_id)" unless the field names one,
-- both columns NOT NULL, primary key (column1, column2), an index on (column2, column1), and foreign keys ON DELETE
-- CASCADE), restated from the project's research notes.
-- account_tax keeps the columns of its stored fields; tax groups (tax_group_id) and countries (country_id, both
-- required) are outside the subset, so those two columns are plain int4 without a foreign key.

CREATE TABLE account_tax (
    id serial PRIMARY KEY,
    name jsonb NOT NULL,
    type_tax_use varchar NOT NULL,
    tax_scope varchar,
    amount_type varchar NOT NULL,
    active bool,
    company_id int4 NOT NULL,
    sequence int4 NOT NULL,
    amount numeric NOT NULL,
    description jsonb,
    invoice_label jsonb,
    price_include bool,
    include_base_amount bool,
    is_base_affected bool,
    analytic bool,
    tax_group_id int4 NOT NULL,
    tax_exigibility varchar,
    cash_basis_transition_account_id int4,
    country_id int4 NOT NULL,
    create_uid int4, create_date timestamp, write_uid int4, write_date timestamp
);

-- sale.order.line.tax_id names no table: account_tax_sale_order_line_rel(sale_order_line_id, account_tax_id).
CREATE TABLE account_tax_sale_order_line_rel (
    sale_order_line_id int4 NOT NULL,
    account_tax_id int4 NOT NULL,
    PRIMARY KEY (sale_order_line_id, account_tax_id)
);
CREATE INDEX ON account_tax_sale_order_line_rel (account_tax_id, sale_order_line_id);

-- product.template.taxes_id ("Customer Taxes", the default taxes of a sale line) names its table and columns.
CREATE TABLE product_taxes_rel (
    prod_id int4 NOT NULL,
    tax_id int4 NOT NULL,
    PRIMARY KEY (prod_id, tax_id)
);
CREATE INDEX ON product_taxes_rel (tax_id, prod_id);

ALTER TABLE account_tax ADD CONSTRAINT account_tax_create_uid_fkey FOREIGN KEY (create_uid) REFERENCES res_users(id) ON DELETE SET NULL;
ALTER TABLE account_tax ADD CONSTRAINT account_tax_write_uid_fkey FOREIGN KEY (write_uid) REFERENCES res_users(id) ON DELETE SET NULL;
ALTER TABLE account_tax ADD CONSTRAINT account_tax_company_id_fkey FOREIGN KEY (company_id) REFERENCES res_company(id) ON DELETE RESTRICT;
ALTER TABLE account_tax_sale_order_line_rel ADD CONSTRAINT account_tax_sale_order_line_rel_sale_order_line_id_fkey
    FOREIGN KEY (sale_order_line_id) REFERENCES sale_order_line(id) ON DELETE CASCADE;
ALTER TABLE account_tax_sale_order_line_rel ADD CONSTRAINT account_tax_sale_order_line_rel_account_tax_id_fkey
    FOREIGN KEY (account_tax_id) REFERENCES account_tax(id) ON DELETE CASCADE;
ALTER TABLE product_taxes_rel ADD CONSTRAINT product_taxes_rel_prod_id_fkey FOREIGN KEY (prod_id) REFERENCES product_template(id) ON DELETE CASCADE;
ALTER TABLE product_taxes_rel ADD CONSTRAINT product_taxes_rel_tax_id_fkey FOREIGN KEY (tax_id) REFERENCES account_tax(id) ON DELETE CASCADE;
